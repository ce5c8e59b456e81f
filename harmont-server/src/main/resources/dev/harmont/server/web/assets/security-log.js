// The security log: what happened to the account, newest first, a page at a time.

import { call } from './api.js';
import { cardTable, el, errorSlot, fill, run } from './dom.js';
import { timeCell } from './time.js';
import { clientName } from './user-agent.js';

const PAGE = 20;

/** What each event type says to a person; the type itself is shown next to it. */
const LABELS = {
  'user.renamed': 'Name changed',
  'api_token.created': 'Key created',
  'api_token.rotated': 'Key rotated',
  'api_token.revoked': 'Key revoked',
  'session.created': 'Signed in',
  'session.ended': 'Signed out',
};

/**
 * The client by its name ("Firefox 128 on Windows"). When that name is not the whole User-Agent,
 * the whole string is on hover (title) and one click away (a touch screen has no hover).
 */
function client(userAgent) {
  if (!userAgent) return el('span', { class: 'muted' }, 'Unknown');
  const name = clientName(userAgent);
  if (name === userAgent) return name;
  return el(
    'details',
    { class: 'client' },
    el('summary', { title: userAgent }, name),
    el('p', { class: 'mono user-agent' }, userAgent),
  );
}

export function securityLogPanel() {
  const errors = errorSlot();
  const { tbody, empty, table, list, shown } = cardTable({
    kind: 'events',
    caption: 'Security events, newest first',
    headings: ['When', 'Event', 'Address', 'Client', 'Request'],
    emptyText: 'Nothing recorded yet.',
  });
  const older = el('button', { type: 'button', class: 'secondary', onclick: () => load(next) }, 'Show older events');
  const refresh = el('button', { type: 'button', class: 'secondary', onclick: () => load(null) }, 'Refresh');
  let next = null;

  function row(event) {
    return el(
      'tr',
      {},
      el('td', { 'data-label': 'When' }, timeCell(event.created_at, '')),
      el(
        'td',
        { 'data-label': 'Event' },
        // One element, so that it stays one cell of the card's grid on narrow screens.
        el('span', {}, el('span', {}, LABELS[event.type] ?? event.type), ' ', el('code', { class: 'muted' }, event.type)),
      ),
      el('td', { 'data-label': 'Address' }, event.ip ?? el('span', { class: 'muted' }, 'Operator')),
      el('td', { 'data-label': 'Client' }, client(event.user_agent)),
      el('td', { 'data-label': 'Request' }, event.request_id ? el('code', {}, event.request_id) : '—'),
    );
  }

  function load(before) {
    return run([older, refresh], errors, async () => {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (before) query.set('before', before);
      const page = await call('GET', `/api/v0/user/events?${query}`);
      if (!before) tbody.replaceChildren();
      tbody.append(...page.events.map(row));
      next = page.next;
      fill(list, table, empty);
      shown();
      older.hidden = next === null;
    });
  }

  older.hidden = true;
  load(null);

  return el(
    'section',
    { class: 'panel', 'aria-labelledby': 'events-heading' },
    el('h2', { id: 'events-heading' }, 'Security log'),
    el(
      'p',
      { class: 'muted' },
      'Sign-ins, key changes and renames on your account, with the address and client they came from.',
    ),
    errors.node,
    list,
    el('div', { class: 'actions' }, older, refresh),
  );
}
