// The sign-in form: an API key is traded for a session token at once and then forgotten; only the
// session is kept (session.js). A one-time link is redeemed by main.js, before this form shows.

import { call } from './api.js';
import { el, errorSlot, field, run } from './dom.js';
import * as session from './session.js';

/** @param notice {text, kind}: why the form is shown (signed out, session ended); optional. */
export function signInView({ notice, error, onSignedIn }) {
  const key = el('input', {
    type: 'password',
    class: 'mono',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const errors = errorSlot();
  if (error) errors.show(error);
  const button = el('button', { type: 'submit' }, 'Sign in');

  async function signIn(event) {
    event.preventDefault();
    let apiKey = key.value.trim();
    key.value = ''; // out of the page at once, whatever happens next
    const signedIn = await run(button, errors, async () => {
      try {
        session.save(await call('POST', '/api/v0/auth/sessions', { token: apiKey }));
      } finally {
        apiKey = null;
      }
      onSignedIn();
    });
    if (!signedIn) key.focus();
  }

  // No name on the input and no action on the form: even a submission without this script would
  // carry nothing.
  return el(
    'form',
    { class: 'panel sign-in', onsubmit: signIn },
    el('h1', {}, 'Sign in'),
    notice ? el('p', { class: `notice ${notice.kind ?? ''}`, role: 'status' }, notice.text) : null,
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
  );
}
