// "3 days ago", with the exact UTC time on hover.

import { el } from './dom.js';

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
// From this many seconds on, count in this unit ("in 30 days" rather than "in 4 weeks").
const UNITS = [
  ['year', 730 * 86400, 365 * 86400],
  ['month', 60 * 86400, 30 * 86400],
  ['day', 86400, 86400],
  ['hour', 3600, 3600],
  ['minute', 60, 60],
];

export function relativeTime(date, now = Date.now()) {
  const seconds = (date.getTime() - now) / 1000;
  for (const [unit, from, size] of UNITS) {
    if (Math.abs(seconds) >= from) return relative.format(Math.round(seconds / size), unit);
  }
  return Math.abs(seconds) < 45 && seconds <= 0 ? 'just now' : relative.format(Math.round(seconds), 'second');
}

export function utc(date) {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A <time> element for an ISO instant, or `fallback` text when there is none. */
export function timeCell(iso, fallback) {
  if (!iso) return el('span', { class: 'muted' }, fallback);
  const date = new Date(iso);
  return el('time', { datetime: iso, title: utc(date) }, relativeTime(date));
}
