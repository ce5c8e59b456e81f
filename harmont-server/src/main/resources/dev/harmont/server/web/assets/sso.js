// Single sign-on on the sign-in page: a "Continue with NAME" link per configured provider
// (GET /api/v0/auth/providers), disabled and saying so while a provider cannot be reached. The
// server does the whole protocol; the page only comes back with a one-time code (main.js).

import { call } from './api.js';
import { el, fill } from './dom.js';

/** Where the browser should land once signed in: this page, or /sign-in's ?next= path. */
function returnTo() {
  if (location.pathname === '/sign-in') {
    const next = new URLSearchParams(location.search).get('next');
    return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
  }
  return location.pathname + location.search;
}

/** The providers' buttons; empty (and invisible) when none is configured. */
export function ssoPart() {
  const part = el('div', { class: 'sso-sign-in', hidden: true });
  (async () => {
    let providers;
    try {
      ({ providers } = await call('GET', '/api/v0/auth/providers', { token: null }));
    } catch {
      return; // the other ways in still work; nothing to offer here
    }
    if (providers.length === 0) return;
    fill(
      part,
      providers.map((p) =>
        p.available
          ? el(
              'a',
              {
                class: 'button primary',
                href: `${p.start_url}&return_to=${encodeURIComponent(returnTo())}`,
              },
              `Continue with ${p.name}`,
            )
          : el(
              'button',
              { type: 'button', disabled: true, title: `${p.name} cannot be reached right now.` },
              `Continue with ${p.name} (unavailable)`,
            ),
      ),
    );
    part.hidden = false;
  })();
  return part;
}
