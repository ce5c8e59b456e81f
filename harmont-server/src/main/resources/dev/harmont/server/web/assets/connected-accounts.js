// Connected accounts: the single sign-on identities linked to this account (Provider, Address,
// Linked, Last used), each with Disconnect. The API refuses to disconnect the last way to sign in;
// its message is shown like any other error.

import { call } from './api.js';
import { cardTable, el, errorSlot, fill, run } from './dom.js';
import { timeCell } from './time.js';

export function connectedAccountsPanel() {
  const errors = errorSlot();
  const { tbody, empty, table, list, shown } = cardTable({
    kind: 'identities',
    caption: 'Your connected accounts, oldest first',
    headings: ['Provider', 'Address', 'Linked', 'Last used'],
    actions: true,
    emptyText: 'No connected accounts. Sign in with Continue with … to connect one.',
  });

  function row(identity) {
    const actions = el('td', { class: 'row-actions' });
    const tr = el(
      'tr',
      {},
      el('td', { 'data-label': 'Provider' }, identity.provider),
      el('td', { 'data-label': 'Address' }, identity.email ?? el('span', { class: 'muted' }, 'None')),
      el('td', { 'data-label': 'Linked' }, timeCell(identity.linked_at, '')),
      el('td', { 'data-label': 'Last used' }, timeCell(identity.last_used_at, 'Never')),
      actions,
    );
    const disconnect = el('button', { type: 'button', class: 'secondary', onclick: ask }, 'Disconnect');
    const confirm = el('button', { type: 'button', class: 'danger', onclick: disconnectNow }, 'Confirm disconnect');
    const cancel = el('button', { type: 'button', class: 'secondary', onclick: back }, 'Cancel');
    function back() {
      fill(actions, disconnect);
    }
    function ask() {
      fill(actions, el('span', { class: 'confirm-text' }, `${identity.provider} stops signing you in here.`), confirm, cancel);
      confirm.focus();
    }
    async function disconnectNow() {
      const done = await run(confirm, errors, async () => {
        await call('DELETE', `/api/v0/user/identities/${encodeURIComponent(identity.id)}`);
        tr.remove();
        shown();
      });
      if (!done) back();
    }
    back();
    return tr;
  }

  (async () => {
    try {
      const { identities } = await call('GET', '/api/v0/user/identities');
      tbody.append(...identities.map(row));
      fill(list, table, empty);
      shown();
    } catch (error) {
      fill(list);
      errors.show(error);
    }
  })();

  return el(
    'section',
    { class: 'panel', id: 'connected-accounts', 'aria-labelledby': 'connected-accounts-heading' },
    el('h2', { id: 'connected-accounts-heading' }, 'Connected accounts'),
    el(
      'p',
      { class: 'muted' },
      'Identity providers you sign in with. Your last way to sign in cannot be disconnected: add a passkey or another account first.',
    ),
    errors.node,
    list,
  );
}
