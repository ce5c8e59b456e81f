// Profile: who you are, and your display name.

import { call } from './api.js';
import { el, errorSlot, field, fill, run } from './dom.js';

export function profilePanel(user) {
  const name = el('input', { type: 'text', autocomplete: 'name' });
  name.value = user.name ?? '';
  const errors = errorSlot();
  const status = el('p', { class: 'status', role: 'status' });
  const save = el('button', { type: 'submit' }, 'Save');

  async function rename(event) {
    event.preventDefault();
    fill(status);
    const saved = await run(save, errors, async () => {
      const updated = await call('PATCH', '/api/v0/user', { body: { name: name.value } });
      name.value = updated.name ?? '';
      name.removeAttribute('aria-invalid');
      fill(status, 'Saved.');
    });
    if (!saved) name.setAttribute('aria-invalid', 'true');
  }

  return el(
    'section',
    { class: 'panel', 'aria-labelledby': 'profile-heading' },
    el('h2', { id: 'profile-heading' }, 'Profile'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Email'),
      el('dd', {}, user.email),
      el('dt', {}, 'User ID'),
      el('dd', { class: 'mono' }, user.uuid),
      el('dt', {}, 'Personal organization'),
      el('dd', { class: 'mono' }, user.personal_org_slug ?? '—'),
    ),
    el(
      'form',
      { onsubmit: rename },
      field('Display name', name),
      errors.node,
      el('div', { class: 'actions' }, save, status),
    ),
  );
}
