// Passkeys: the list (Name, Authenticator, Created, Last used), adding one with this device
// (then naming it, prefilled with the authenticator's name), renaming and removing one. The API
// refuses to remove the last one; its message is shown like any other error.

import { call } from './api.js';
import { cardTable, el, errorSlot, field, fill, run } from './dom.js';
import { timeCell } from './time.js';
import * as webauthn from './webauthn.js';

export function passkeysPanel() {
  const errors = errorSlot();
  const { tbody, empty, table, list, shown } = cardTable({
    kind: 'passkeys',
    caption: 'Your passkeys, oldest first',
    headings: ['Name', 'Authenticator', 'Created', 'Last used'],
    actions: true,
    emptyText: 'No passkeys yet. Add one to sign in with this device.',
  });

  function row(passkey, { naming = false } = {}) {
    const actions = el('td', { class: 'row-actions' });
    const name = el('td', { 'data-label': 'Name' }, passkey.nickname);
    const tr = el(
      'tr',
      {},
      name,
      el(
        'td',
        { 'data-label': 'Authenticator' },
        passkey.authenticator ?? el('span', { class: 'muted' }, 'Unknown'),
      ),
      el('td', { 'data-label': 'Created' }, timeCell(passkey.created_at, '')),
      el('td', { 'data-label': 'Last used' }, timeCell(passkey.last_used_at, 'Never')),
      actions,
    );
    const rename = el('button', { type: 'button', class: 'secondary', onclick: () => askName(false) }, 'Rename');
    const remove = el('button', { type: 'button', class: 'secondary', onclick: askRemove }, 'Remove');
    const confirm = el('button', { type: 'button', class: 'danger', onclick: removeNow }, 'Confirm remove');
    const cancel = el('button', { type: 'button', class: 'secondary', onclick: back }, 'Cancel');

    function back() {
      fill(actions, rename, remove);
      fill(name, passkey.nickname);
    }
    function askRemove() {
      fill(actions, el('span', { class: 'confirm-text' }, 'It stops signing in at once.'), confirm, cancel);
      confirm.focus();
    }
    async function removeNow() {
      const done = await run(confirm, errors, async () => {
        await call('DELETE', `/api/v0/user/passkeys/${encodeURIComponent(passkey.uuid)}`);
        tr.remove();
        shown();
      });
      if (!done) back();
    }
    function askName(isNew) {
      const input = el('input', { type: 'text', maxlength: 100, autocomplete: 'off' });
      input.value = passkey.nickname ?? '';
      const save = el('button', { type: 'submit' }, 'Save name');
      const form = el(
        'form',
        {
          class: 'rename',
          onsubmit: async (event) => {
            event.preventDefault();
            await run(save, errors, async () => {
              passkey = await call('PATCH', `/api/v0/user/passkeys/${encodeURIComponent(passkey.uuid)}`, {
                body: { nickname: input.value },
              });
              back();
            });
          },
        },
        field(isNew ? 'Name this passkey' : 'New name', input),
        el('div', { class: 'actions' }, save, el('button', { type: 'button', class: 'secondary', onclick: back }, isNew ? 'Keep this name' : 'Cancel')),
      );
      fill(name, form);
      fill(actions);
      input.focus();
      input.select();
    }
    back();
    if (naming) queueMicrotask(() => askName(true));
    return tr;
  }

  const add = el('button', { type: 'button', onclick: addPasskey }, 'Add passkey');
  async function addPasskey() {
    await run(add, errors, async () => {
      const { challenge_id, options } = await call('POST', '/api/v0/auth/passkey/register/options', { body: {} });
      let attestation;
      try {
        attestation = await webauthn.createCredential(options);
      } catch (error) {
        if (webauthn.isCancel(error)) return; // the person closed the dialog: nothing to say
        if (webauthn.isAlreadyRegistered(error)) {
          throw new Error('This device already holds a passkey for your account.');
        }
        throw error;
      }
      const passkey = await call('POST', '/api/v0/auth/passkey/register/finalize', {
        body: { challenge_id, attestation },
      });
      tbody.append(row(passkey, { naming: true }));
      shown();
    });
  }

  (async () => {
    try {
      const { passkeys } = await call('GET', '/api/v0/user/passkeys');
      tbody.append(...passkeys.map((p) => row(p)));
      fill(list, table, empty);
      shown();
    } catch (error) {
      fill(list);
      errors.show(error);
    }
  })();

  return el(
    'section',
    { class: 'panel', id: 'passkeys', 'aria-labelledby': 'passkeys-heading' },
    el('h2', { id: 'passkeys-heading' }, 'Passkeys'),
    el(
      'p',
      { class: 'muted' },
      'Sign in with your device’s screen lock, fingerprint or face instead of a key. Add a passkey on each device you use; your last one cannot be removed, so add the new one first.',
    ),
    addControl(add),
    errors.node,
    list,
  );
}

/** The Add button, or why passkeys cannot be added from this address. */
function addControl(add) {
  if (!webauthn.supported()) {
    return el('p', { class: 'notice warning' }, 'This browser cannot use passkeys.');
  }
  if (webauthn.onIpAddress()) return ipNotice();
  return el('div', { class: 'actions create-key' }, add);
}

/** Browsers refuse passkeys on an IP address: point at the host name (localhost for loopback). */
export function ipNotice() {
  const url = webauthn.localhostUrl();
  return el(
    'p',
    { class: 'notice warning' },
    'Passkeys need the server’s host name: browsers refuse them on an IP address. ',
    url ? ['Open ', el('a', { href: url }, url), ' to use passkeys.'] : 'Open this console by its host name to use passkeys.',
  );
}
