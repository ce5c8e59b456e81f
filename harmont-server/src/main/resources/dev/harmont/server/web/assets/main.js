// Wires the page: sign-in (by key, or by a one-time link in the URL's fragment), then the view for
// the current path. Signing in or out in one tab does the same in every other tab.

import { ApiError, call, whenSessionEnds } from './api.js';
import { cliAuthorizeView } from './cli-authorize.js';
import { connectedAccountsPanel } from './connected-accounts.js';
import { deleteAccountPanel } from './delete-account.js';
import { linkView, recoverView, signUpView } from './email-links.js';
import { el, errorBox, fill } from './dom.js';
import { keysPanel } from './keys.js';
import { passkeysPanel } from './passkeys.js';
import { profilePanel } from './profile.js';
import { securityLogPanel } from './security-log.js';
import * as session from './session.js';
import { signInView } from './sign-in.js';

const main = document.getElementById('main');
const account = document.getElementById('account');

/**
 * The views of the signed-in page, by path: each gets the user and returns its panels. A path
 * without a view shows the console. The sign-in form shows on any path and comes back to it.
 */
const views = new Map([
  ['/', consoleView],
  ['/cli/authorize', cliAuthorizeView],
]);

function consoleView(user) {
  return [
    el('h1', { class: 'visually-hidden' }, 'Your account'),
    profilePanel(user),
    passkeysPanel(),
    connectedAccountsPanel(),
    keysPanel(),
    securityLogPanel(),
    deleteAccountPanel(user, {
      onDeleted: () => signedOut({ text: 'Your account was deleted.' }),
    }),
  ];
}

let rendering = 0;

async function render(notice) {
  const turn = ++rendering;
  if (!session.getToken()) {
    showSignIn({ notice });
    return;
  }
  fill(main, el('p', { class: 'muted' }, 'Loading…'));
  let user;
  try {
    user = await call('GET', '/api/v0/user');
  } catch (error) {
    if (error.status !== 401 && turn === rendering) {
      fill(main, el('div', { class: 'panel' }, errorBox(error), retryButton()));
    }
    return; // a 401 ends the session: whenSessionEnds shows the sign-in form
  }
  if (turn !== rendering) return;
  if (location.pathname === '/sign-in') history.replaceState(null, '', afterSignIn());
  if (EMAIL_LINK_PAGES.has(location.pathname)) history.replaceState(null, '', '/');
  fill(
    account,
    el('span', { class: 'who' }, user.email),
    el('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'),
  );
  fill(main, (views.get(location.pathname) ?? consoleView)(user));
  if (location.hash === '#passkeys') document.getElementById('passkeys')?.scrollIntoView();
}

function retryButton() {
  return el('button', { type: 'button', onclick: () => render() }, 'Try again');
}

function showSignIn({ notice, error } = {}) {
  rendering++;
  fill(account);
  fill(main, signInView({ notice, error, onSignedIn: () => render() }));
  // The first field a person can see: the passkey Email field stays hidden until the browser
  // offers passkeys as you type.
  [...main.querySelectorAll('input')].find((input) => input.offsetParent !== null)?.focus();
}

/** Where /sign-in goes once signed in: its ?next= path on this site, else the console. */
function afterSignIn() {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

async function signOut() {
  try {
    await call('POST', '/api/v0/auth/logout', { token: session.getToken() });
  } catch {
    // Already ended on the server: signing out here is all that is left to do.
  }
  signedOut({ text: 'You are signed out.' });
}

function signedOut(notice) {
  session.clear(); // the other tabs hear of it (storage event) and sign out too
  showSignIn({ notice });
}

/** A one-time link: the code is in the fragment, which never reaches a server or a Referer. */
async function redeemLink() {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (location.pathname !== '/sign-in' || code === null) return true;
  history.replaceState(null, '', location.pathname + location.search); // out of the address bar now
  fill(main, el('p', { class: 'muted' }, 'Signing in…'));
  try {
    session.save(
      await call('POST', '/api/v0/auth/sign-in-links/redeem', { body: { code }, token: null }),
    );
    return true;
  } catch (error) {
    session.clear();
    showSignIn({ error });
    return false;
  }
}

/**
 * The end of a single sign-on: `#sso=CODE&return_to=PATH` is traded for a session (the code works
 * once, for a minute); `#sso_error=CODE&message=TEXT` is a failure the server explains.
 */
async function finishSso() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const failed = fragment.get('sso_error');
  if (failed !== null) {
    history.replaceState(null, '', location.pathname + location.search);
    session.clear();
    showSignIn({
      error: new ApiError(400, {
        code: failed,
        message: fragment.get('message') ?? 'Single sign-on failed.',
        doc_url: `/docs/errors/${encodeURIComponent(failed)}`,
      }),
    });
    return false;
  }
  const code = fragment.get('sso');
  if (code === null) return true;
  const next = fragment.get('return_to');
  const target = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
  history.replaceState(null, '', target); // the code leaves the address bar at once
  fill(main, el('p', { class: 'muted' }, 'Signing in…'));
  try {
    session.save(await call('POST', '/api/v0/auth/oidc/redeem', { body: { code }, token: null }));
    return true;
  } catch (error) {
    session.clear();
    showSignIn({ error });
    return false;
  }
}

whenSessionEnds(() => {
  session.clear();
  showSignIn({ notice: { text: 'Your session has ended. Sign in again.', kind: 'warning' } });
});

session.onChange(() => {
  if (session.getToken()) render();
  else showSignIn({ notice: { text: 'You signed out in another tab.' } });
});

const EMAIL_LINK_PAGES = new Set(['/sign-up', '/recover']);

/**
 * The sign-up and recovery pages: an emailed link (its token in the fragment, taken out of the
 * address bar at once) opens Create passkey; without one, the form that asks for a link. True when
 * this page is shown; a signed-in person without a link goes to the console.
 */
function emailLinkPage() {
  if (!EMAIL_LINK_PAGES.has(location.pathname)) return false;
  const kind = location.pathname.slice(1);
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token !== null) {
    history.replaceState(null, '', location.pathname + location.search); // out of the address bar now
    rendering++;
    fill(account);
    fill(main, linkView(kind, token, () => render()));
    return true;
  }
  if (session.getToken()) return false;
  rendering++;
  fill(account);
  fill(main, kind === 'sign-up' ? signUpView() : recoverView());
  main.querySelector('input')?.focus();
  return true;
}

// A link pasted into a tab already on this page changes only the fragment, which loads nothing:
// it is read here.
addEventListener('hashchange', async () => {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (!fragment.has('token') && !fragment.has('code')) return;
  if ((await redeemLink()) && !emailLinkPage()) render();
});

if ((await finishSso()) && (await redeemLink()) && !emailLinkPage()) render();
