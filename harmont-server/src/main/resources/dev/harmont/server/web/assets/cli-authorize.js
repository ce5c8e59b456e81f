// /cli/authorize: `harmont login --web` asks the signed-in person to let a CLI act as them
// (RFC 8252 loopback redirect + RFC 7636 PKCE). Authorize creates a one-time code bound to the
// CLI's challenge and sends the browser back to the CLI's loopback address with the code and the
// state; Cancel sends it back with error=access_denied. In paste mode (CLI over SSH) the code is
// shown here instead, to be pasted into the CLI's hidden prompt, and Cancel tells the server,
// which the waiting CLI asks.

import { call } from './api.js';
import { el, errorBox, errorSlot, fill, run, secretBox } from './dom.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Where the browser may be sent: a loopback address only, the same rule the server applies when
 * it creates the code. Checked here too because this page is what navigates, for Cancel as well
 * as Authorize: any other target would make the page an open redirect, and a link crafted by
 * someone else could send the signed-in person's code to them.
 */
export function loopbackRedirect(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const ok =
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname.toLowerCase()) &&
    url.port !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    text.length <= 2048;
  return ok ? url : null;
}

/** The CLI's request, from the address; `problem` says what is wrong with it, if anything. */
function request() {
  const params = new URLSearchParams(location.search);
  const paste = params.get('mode') === 'paste';
  const clientName = (params.get('client_name') ?? '').trim();
  const state = params.get('state') ?? '';
  const challenge = params.get('code_challenge') ?? '';
  const method = params.get('code_challenge_method') ?? '';
  const redirect = paste ? null : loopbackRedirect(params.get('redirect_uri') ?? '');
  let problem = null;
  if (!paste && redirect === null) {
    problem = 'Its redirect_uri is missing or is not a loopback address (http://127.0.0.1:PORT/…).';
  } else if (!paste && (state === '' || state.length > 512)) {
    problem = 'Its state is missing.';
  } else if (!CHALLENGE.test(challenge) || method !== 'S256') {
    problem = 'Its code_challenge is missing or is not an S256 challenge.';
  } else if (clientName === '' || [...clientName].length > 100) {
    problem = 'Its client_name is missing or longer than 100 characters.';
  }
  return { paste, clientName, state, challenge, method, redirect, problem };
}

/** Sends the browser back to the CLI with these parameters (replacing this page in history). */
function backToCli(redirect, params) {
  const url = new URL(redirect.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.replace(url.href);
}

export function cliAuthorizeView(user) {
  const cli = request();
  if (cli.problem) {
    return el(
      'section',
      { class: 'panel cli-authorize', 'aria-labelledby': 'cli-heading' },
      el('h1', { id: 'cli-heading' }, 'Authorize the CLI'),
      errorBox({ message: 'This authorization request is not valid.' }, cli.problem),
      el('p', { class: 'muted' }, 'Run ', el('code', {}, 'harmont login --web'), ' again.'),
    );
  }

  const errors = errorSlot();
  const status = el('p', { class: 'status', role: 'status' });
  const authorize = el('button', { type: 'button', onclick: grant }, 'Authorize');
  const cancel = el('button', { type: 'button', class: 'secondary', onclick: deny }, 'Cancel');
  const body = el(
    'div',
    {},
    el(
      'p',
      { class: 'muted' },
      'It will receive a new personal API key named ',
      el('strong', {}, cli.clientName),
      ', listed with your keys, where you can revoke it at any time. Continue only if you just ran ',
      el('code', {}, cli.paste ? 'harmont login --web --paste' : 'harmont login --web'),
      ' yourself.',
    ),
    errors.node,
    el('div', { class: 'actions' }, authorize, cancel),
    status,
  );
  const panel = el(
    'section',
    { class: 'panel cli-authorize', 'aria-labelledby': 'cli-heading' },
    el('h1', { id: 'cli-heading' }, 'Authorize the CLI'),
    el(
      'p',
      { class: 'request' },
      el('strong', {}, cli.clientName),
      ' wants to act as ',
      el('strong', {}, user.email),
      '.',
    ),
    body,
  );

  async function grant() {
    fill(status, 'Authorizing…');
    // On success the buttons leave the page with `body`, so that they are enabled again is moot.
    const granted = await run([authorize, cancel], errors, async () => {
      const created = await call('POST', '/api/v0/auth/cli-grants', {
        body: {
          code_challenge: cli.challenge,
          code_challenge_method: cli.method,
          client_name: cli.clientName,
          ...(cli.paste ? {} : { redirect_uri: cli.redirect.href }),
        },
      });
      if (cli.paste) {
        fill(body, codeBox(created.code));
      } else {
        fill(body, el('p', { role: 'status' }, 'Authorized. Returning to the CLI…'));
        backToCli(cli.redirect, { code: created.code, state: cli.state });
      }
    });
    if (!granted) fill(status);
  }

  async function deny() {
    if (cli.paste) {
      // The CLI waits at its prompt and asks the server whether this happened: tell the server.
      fill(status, 'Cancelling…');
      const told = await run([authorize, cancel], errors, () =>
        call('POST', '/api/v0/auth/cli-grants/deny', {
          body: {
            code_challenge: cli.challenge,
            code_challenge_method: cli.method,
            client_name: cli.clientName,
          },
        }),
      );
      if (!told) {
        fill(status);
        return;
      }
      fill(
        body,
        el(
          'p',
          { role: 'status' },
          'Cancelled: the CLI was not authorized and has stopped waiting. You can close this tab.',
        ),
      );
    } else {
      fill(body, el('p', { role: 'status' }, 'Cancelled. Returning to the CLI…'));
      backToCli(cli.redirect, { error: 'access_denied', state: cli.state });
    }
  }

  return panel;
}

/** Paste mode: the one-time code in a read-only field with Copy. */
function codeBox(code) {
  return secretBox(
    'One-time code',
    code,
    'code',
    'Paste this code into the terminal where harmont is waiting. It works once, within 5 ' +
      'minutes, and only for that terminal.',
  );
}
