// The session token, the only credential the page keeps. localStorage, so a reload or a new tab is
// signed in; an API key is never stored anywhere.

const KEY = 'harmont.session';

/** The live session token, or null (an expired one is dropped). */
export function getToken() {
  let session;
  try {
    session = JSON.parse(localStorage.getItem(KEY));
  } catch {
    session = null;
  }
  if (!session?.token) return null;
  if (session.expires_at && Date.parse(session.expires_at) <= Date.now()) {
    clear();
    return null;
  }
  return session.token;
}

export function save({ token, expires_at }) {
  localStorage.setItem(KEY, JSON.stringify({ token, expires_at }));
}

export function clear() {
  localStorage.removeItem(KEY);
}

/** Calls `listener()` when another tab signs in or out. */
export function onChange(listener) {
  addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) listener();
  });
}
