// Sign-up, recovery and invitations by email (upstream's Register, RegisterVerify, Recover and
// RecoverVerify pages): the forms that ask for a link, and the page an emailed link opens, which
// creates a passkey and signs in. A link's token is in the URL's fragment, so it never reaches a
// server log or a Referer; main.js takes it out of the address bar before this page shows.

import { call } from './api.js';
import { el, errorSlot, field, fill, run } from './dom.js';
import { ipNotice } from './passkeys.js';
import * as session from './session.js';
import * as webauthn from './webauthn.js';

/**
 * The sign-in page's ways to ask for a link: "Email me a sign-in link" always, "Create an account"
 * once the server says sign-up is open.
 */
export function emailLinksPart() {
  const links = el(
    'p',
    { class: 'email-links' },
    el('a', { href: '/recover' }, 'Email me a sign-in link'),
  );
  call('GET', '/api/v0/auth/signup', { token: null })
    .then((policy) => {
      if (policy.open) links.prepend(el('a', { href: '/sign-up' }, 'Create an account'), ' · ');
    })
    .catch(() => {}); // no link to sign up then; signing in still works
  return links;
}

/** Create an account: Name, Email, Continue → "Check your email". */
export function signUpView() {
  const name = el('input', { type: 'text', autocomplete: 'name', required: true });
  const email = el('input', {
    type: 'email',
    autocomplete: 'email',
    spellcheck: 'false',
    autocapitalize: 'none',
    required: true,
  });
  const errors = errorSlot();
  const button = el('button', { type: 'submit', class: 'primary' }, 'Continue');
  const panel = el('div', { class: 'panel sign-in' });

  async function submit(event) {
    event.preventDefault();
    const address = email.value.trim();
    await run(button, errors, async () => {
      await call('POST', '/api/v0/auth/passkey/signup/begin', {
        body: { email: address, name: name.value },
        token: null,
      });
      checkYourEmail(panel, `We sent a link to ${address}. Open it to create your passkey; it works once, for 24 hours.`);
    });
  }

  return fill(
    panel,
    el('h1', {}, 'Create an account'),
    el('form', { onsubmit: submit },
      field('Name', name),
      field('Email', email, 'We email you a link to confirm the address.'),
      errors.node,
      el('div', { class: 'actions' }, button),
    ),
    backToSignIn(),
  );
}

/** Email me a sign-in link: Email, Send link → "Check your email". */
export function recoverView() {
  const email = el('input', {
    type: 'email',
    autocomplete: 'email',
    spellcheck: 'false',
    autocapitalize: 'none',
    required: true,
  });
  const errors = errorSlot();
  const button = el('button', { type: 'submit', class: 'primary' }, 'Send link');
  const panel = el('div', { class: 'panel sign-in' });

  async function submit(event) {
    event.preventDefault();
    const address = email.value.trim();
    await run(button, errors, async () => {
      await call('POST', '/api/v0/auth/recover/begin', { body: { email: address }, token: null });
      checkYourEmail(panel, `If ${address} has an account, we sent it a link. Open it to create a new passkey and sign in; it works once, for 30 minutes.`);
    });
  }

  return fill(
    panel,
    el('h1', {}, 'Email me a sign-in link'),
    el('p', { class: 'muted' }, 'Lost your passkey, or invited by an operator? We email you a link to create a new one.'),
    el('form', { onsubmit: submit },
      field('Email', email),
      errors.node,
      el('div', { class: 'actions' }, button),
    ),
    backToSignIn(),
  );
}

/**
 * The page an emailed link opens: Create passkey → the browser's dialog → signed in.
 * @param kind 'sign-up' or 'recover'
 * @param token the link's token, already out of the address bar
 */
export function linkView(kind, token, onSignedIn) {
  const signUp = kind === 'sign-up';
  const errors = errorSlot();
  const button = el('button', { type: 'button', class: 'primary', onclick: create }, 'Create passkey');
  const base = signUp ? '/api/v0/auth/passkey/signup' : '/api/v0/auth/recover';
  const tokenField = signUp ? 'verification_token' : 'magic_link_token';

  async function create() {
    await run(button, errors, async () => {
      const { challenge_id, options } = await call('POST', `${base}/options`, {
        body: { [tokenField]: token },
        token: null,
      });
      let attestation;
      try {
        attestation = await webauthn.createCredential(options);
      } catch (error) {
        if (webauthn.isCancel(error)) return; // closing the dialog is not an error: try again
        throw error;
      }
      session.save(
        await call('POST', `${base}/finalize`, {
          body: { challenge_id, [tokenField]: token, attestation },
          token: null,
        }),
      );
      onSignedIn();
    });
  }

  const passkeys = !webauthn.supported()
    ? el('p', { class: 'notice warning' }, 'This browser cannot create passkeys. Open the link in a current browser.')
    : webauthn.onIpAddress()
      ? ipNotice()
      : el('div', { class: 'actions' }, button);
  return el(
    'div',
    { class: 'panel sign-in' },
    el('h1', {}, signUp ? 'Finish creating your account' : 'Create a new passkey'),
    el(
      'p',
      { class: 'muted' },
      signUp
        ? 'Your address is confirmed. Create a passkey on this device to sign in from now on.'
        : 'Create a passkey on this device; it signs you in from now on.',
    ),
    passkeys,
    errors.node,
    backToSignIn(),
  );
}

function checkYourEmail(panel, text) {
  fill(
    panel,
    el('h1', {}, 'Check your email'),
    el('p', { role: 'status' }, text),
    backToSignIn(),
  );
}

function backToSignIn() {
  return el('p', { class: 'muted' }, el('a', { href: '/sign-in' }, 'Back to sign-in'));
}
