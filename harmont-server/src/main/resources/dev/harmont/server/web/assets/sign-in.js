// The sign-in page: a passkey first (the button, or the browser's autofill where it offers
// passkeys in the Email field), then an API key, traded for a session token at once and then
// forgotten; only the session is kept (session.js). A one-time link is redeemed by main.js, before
// this form shows.

import { call } from './api.js';
import { el, errorSlot, field, run } from './dom.js';
import { emailLinksPart } from './email-links.js';
import { ipNotice } from './passkeys.js';
import { ssoPart } from './sso.js';
import * as session from './session.js';
import * as webauthn from './webauthn.js';

// The autofill request of the sign-in form on screen; a new form or a button press ends it (a
// page may have one WebAuthn request at a time).
let autofill = null;

function stopAutofill() {
  autofill?.abort();
  autofill = null;
}

/** @param notice {text, kind}: why the form is shown (signed out, session ended); optional. */
export function signInView({ notice, error, onSignedIn }) {
  stopAutofill();
  const key = el('input', {
    type: 'password',
    class: 'mono',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const errors = errorSlot();
  // Why the last attempt failed (a link, a single sign-on): first thing on the page.
  const failed = errorSlot();
  if (error) failed.show(error);
  const button = el('button', { type: 'submit' }, 'Sign in');
  const done = () => {
    stopAutofill();
    onSignedIn();
  };

  async function signIn(event) {
    event.preventDefault();
    failed.clear();
    let apiKey = key.value.trim();
    key.value = ''; // out of the page at once, whatever happens next
    const signedIn = await run(button, errors, async () => {
      try {
        session.save(await call('POST', '/api/v0/auth/sessions', { token: apiKey }));
      } finally {
        apiKey = null;
      }
      done();
    });
    if (!signedIn) key.focus();
  }

  // No name on the input and no action on the form: even a submission without this script would
  // carry nothing.
  return el(
    'div',
    { class: 'panel sign-in' },
    el('h1', {}, 'Sign in'),
    notice ? el('p', { class: `notice ${notice.kind ?? ''}`, role: 'status' }, notice.text) : null,
    failed.node,
    ssoPart(),
    passkeyPart(errors, done),
    emailLinksPart(),
    el(
      'form',
      { class: 'sign-in-key', onsubmit: signIn },
      el('h2', {}, 'Sign in with an API key'),
      el(
        'p',
        { class: 'muted' },
        'Paste a personal API key. It is used once to start a session and never stored; the ' +
          'session lasts until you sign out or it expires. Operators can also send you a one-time ' +
          'sign-in link.',
      ),
      field('API key', key),
      errors.node,
      el('div', { class: 'actions' }, button),
    ),
  );
}

/**
 * The passkey way in: the button, and the Email field whose autofill offers this site's passkeys
 * (conditional mediation) where the browser supports it. On an IP address, why passkeys are not
 * offered and where they are.
 */
function passkeyPart(keyErrors, onSignedIn) {
  if (!webauthn.supported()) return null;
  if (webauthn.onIpAddress()) return el('div', { class: 'passkey-sign-in' }, ipNotice());
  const errors = errorSlot();
  const email = el('input', {
    type: 'text',
    autocomplete: 'username webauthn',
    spellcheck: 'false',
    autocapitalize: 'none',
  });
  const emailField = field('Email', email, 'Choose your passkey from the suggestions.');
  emailField.hidden = true; // shown only where the browser offers passkeys as you type
  const button = el('button', { type: 'button', class: 'primary', onclick: withButton }, 'Sign in with a passkey');

  async function signIn(mediation, signal) {
    const { challenge_id, options } = await call('POST', '/api/v0/auth/passkey/login/options', {
      body: {},
      token: null,
    });
    const assertion = await webauthn.getAssertion(options, { mediation, signal });
    session.save(
      await call('POST', '/api/v0/auth/passkey/login/finalize', {
        body: { challenge_id, assertion },
        token: null,
      }),
    );
    onSignedIn();
  }

  async function withButton() {
    stopAutofill();
    keyErrors.clear();
    await run(button, errors, async () => {
      try {
        await signIn(undefined);
      } catch (error) {
        if (!webauthn.isCancel(error)) throw error; // closing the dialog is not an error
      }
    });
    startAutofill();
  }

  async function startAutofill() {
    if (!(await webauthn.autofillAvailable()) || !email.isConnected) return;
    emailField.hidden = false;
    const controller = new AbortController();
    autofill = controller;
    try {
      await signIn('conditional', controller.signal);
    } catch (error) {
      if (!webauthn.isCancel(error) && !controller.signal.aborted) errors.show(error);
    } finally {
      if (autofill === controller) autofill = null;
    }
  }
  queueMicrotask(startAutofill);

  return el(
    'div',
    { class: 'passkey-sign-in' },
    el('p', { class: 'muted' }, 'Use the passkey on this device or your phone: no key to paste.'),
    el('div', { class: 'actions' }, button),
    emailField,
    errors.node,
  );
}
