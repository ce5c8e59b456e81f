// Delete account: irreversible, so the button works only once the email is typed.

import { call } from './api.js';
import { el, errorSlot, field } from './dom.js';

export function deleteAccountPanel(user, { onDeleted }) {
  const confirm = el('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const button = el('button', { type: 'submit', class: 'danger', disabled: true }, 'Delete account');
  const errors = errorSlot();
  const matches = () => confirm.value.trim().toLowerCase() === user.email.toLowerCase();
  confirm.addEventListener('input', () => {
    button.disabled = !matches();
  });

  async function remove(event) {
    event.preventDefault();
    if (!matches()) return;
    errors.clear();
    button.disabled = true;
    try {
      await call('DELETE', '/api/v0/user');
      onDeleted();
    } catch (error) {
      errors.show(error);
      button.disabled = !matches();
    }
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
