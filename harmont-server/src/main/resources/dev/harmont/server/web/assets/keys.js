// API keys: the list (newest first, each shown by its hint), creating one (its secret shown once),
// rotating one (the new secret shown once, the old one kept for a grace period) and revoking one.

import { call } from './api.js';
import { cardTable, el, errorSlot, field, fill, run, secretBox } from './dom.js';
import { timeCell } from './time.js';

const DAY = 86_400_000;

export function keysPanel() {
  const errors = errorSlot();
  const { tbody, empty, table, list, shown } = cardTable({
    kind: 'keys',
    caption: 'Your API keys, newest first',
    headings: ['Key', 'Description', 'Created', 'Expires', 'Last used'],
    actions: true,
    emptyText: 'No API keys yet.',
  });

  const rotated = el('div', { class: 'secret-slot' });

  function row(key) {
    const actions = el('td', { class: 'row-actions' });
    const tr = el(
      'tr',
      {},
      el('td', { 'data-label': 'Key', class: 'mono key-hint' }, hinted(key.hint)),
      el(
        'td',
        { 'data-label': 'Description' },
        key.description || el('span', { class: 'muted' }, 'No description'),
      ),
      el('td', { 'data-label': 'Created' }, timeCell(key.created_at, '')),
      el('td', { 'data-label': 'Expires' }, timeCell(key.expires_at, 'Never')),
      el('td', { 'data-label': 'Last used' }, timeCell(key.last_used_at, 'Never')),
      actions,
    );
    const rotate = el('button', { type: 'button', class: 'secondary', onclick: askRotate }, 'Rotate');
    const grace = el(
      'select',
      {},
      el('option', { value: '0' }, 'Stops now'),
      el('option', { value: '600' }, 'For 10 minutes'),
      el('option', { value: '3600' }, 'For 1 hour'),
      el('option', { value: '86400' }, 'For 1 day'),
    );
    const confirmRotate = el('button', { type: 'button', onclick: rotateNow }, 'Confirm rotate');
    const revoke = el('button', { type: 'button', class: 'secondary', onclick: ask }, 'Revoke');
    const confirm = el('button', { type: 'button', class: 'danger', onclick: revokeNow }, 'Confirm revoke');
    const cancel = el('button', { type: 'button', class: 'secondary', onclick: back }, 'Cancel');
    function ask() {
      fill(actions, confirm, cancel);
      confirm.focus();
    }
    function back() {
      fill(actions, rotate, revoke);
      revoke.focus();
    }
    function askRotate() {
      fill(actions, field('Old key keeps working', grace), confirmRotate, cancel);
      grace.focus();
    }
    async function rotateNow() {
      const done = await run(confirmRotate, errors, async () => {
        const created = await call('POST', `/api/v0/user/api-tokens/${encodeURIComponent(key.id)}/rotate`, {
          body: { grace_period_seconds: Number(grace.value) },
        });
        fill(rotated, newKey(created.token));
        tr.replaceWith(row(created.api_token));
      });
      if (!done) back();
    }
    async function revokeNow() {
      const done = await run(confirm, errors, async () => {
        await call('DELETE', `/api/v0/user/api-tokens/${encodeURIComponent(key.id)}`);
        tr.remove();
        shown();
      });
      if (!done) back();
    }
    fill(actions, rotate, revoke);
    return tr;
  }

  (async () => {
    try {
      const { api_tokens } = await call('GET', '/api/v0/user/api-tokens');
      tbody.append(...api_tokens.map(row));
      fill(list, table, empty);
      shown();
    } catch (error) {
      fill(list);
      errors.show(error);
    }
  })();

  return el(
    'section',
    { class: 'panel', 'aria-labelledby': 'keys-heading' },
    el('h2', { id: 'keys-heading' }, 'API keys'),
    el(
      'p',
      { class: 'muted' },
      'Keys let scripts and the harmont command act as you, each shown by its last four characters. Rotate a key to replace its secret; revoke any you no longer use.',
    ),
    createForm((created) => {
      tbody.prepend(row(created));
      shown();
    }),
    errors.node,
    list,
    rotated,
  );
}

/** A key without its secret: the prefix and the last four characters (keys from before have none). */
function hinted(hint) {
  return `hm_…${hint ?? ''}`;
}

function createForm(onCreated) {
  const description = el('input', { type: 'text', autocomplete: 'off' });
  const expires = el(
    'select',
    {
      onchange: () => {
        dateField.hidden = expires.value !== 'date';
        date.required = !dateField.hidden;
      },
    },
    el('option', { value: 'never' }, 'Never'),
    el('option', { value: '30' }, '30 days'),
    el('option', { value: '90' }, '90 days'),
    el('option', { value: 'date' }, 'On a date…'),
  );
  const date = el('input', { type: 'date', min: new Date().toISOString().slice(0, 10) });
  const dateField = field('Expiry date', date, 'The key stops working at the end of that day (UTC).');
  dateField.hidden = true;
  const errors = errorSlot();
  const secret = el('div', { class: 'secret-slot' });
  const button = el('button', { type: 'submit' }, 'Create key');

  function expiresAt() {
    switch (expires.value) {
      case 'never':
        return null;
      case 'date':
        return `${date.value}T23:59:59Z`;
      default:
        return new Date(Date.now() + Number(expires.value) * DAY).toISOString();
    }
  }

  async function create(event) {
    event.preventDefault();
    fill(secret);
    await run(button, errors, async () => {
      const body = { expires_at: expiresAt() };
      if (description.value.trim()) body.description = description.value;
      const created = await call('POST', '/api/v0/user/api-tokens', { body });
      fill(secret, newKey(created.token));
      description.value = '';
      onCreated(created.api_token);
    });
  }

  return el(
    'form',
    { class: 'create-key', onsubmit: create },
    el(
      'div',
      { class: 'row' },
      field('Description', description),
      field('Expires', expires),
      dateField,
    ),
    errors.node,
    el('div', { class: 'actions' }, button),
    secret,
  );
}

/** The secret, once: it lives only in this element and is gone after a reload. */
function newKey(token) {
  return secretBox('New API key', token, 'key', 'Copy this key now: it will not be shown again.');
}
