// Delete account: irreversible, so the button works only once the email is typed.

import { call } from './api.js';
import { el, errorSlot, field, run } from './dom.js';

export function deleteAccountPanel(user, { onDeleted }) {
  const confirm = el('input', {
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    oninput: () => {
      button.disabled = !matches();
    },
  });
  const button = el('button', { type: 'submit', class: 'danger', disabled: true }, 'Delete account');
  const errors = errorSlot();
  const matches = () => confirm.value.trim().toLowerCase() === user.email.toLowerCase();

  async function remove(event) {
    event.preventDefault();
    if (!matches()) return;
    const deleted = await run(button, errors, async () => {
      await call('DELETE', '/api/v0/user');
      onDeleted();
    });
    if (!deleted) button.disabled = !matches(); // still only with the email typed
  }

  return el(
    'section',
    { class: 'panel danger-zone', 'aria-labelledby': 'delete-heading' },
    el('h2', { id: 'delete-heading' }, 'Delete account'),
    el(
      'p',
      {},
      'Deletes your account, its personal organization and every API key and session at once. ' +
        'This cannot be undone.',
    ),
    el(
      'form',
      { onsubmit: remove },
      field('Type your email to confirm', confirm, el('span', {}, 'Your email is ', el('code', {}, user.email), '.')),
      errors.node,
      el('div', { class: 'actions' }, button),
    ),
  );
}
