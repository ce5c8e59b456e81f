// The API, as the page uses it: JSON in, JSON out, the session token as bearer. A non-2xx answer
// becomes one ApiError carrying the envelope's code, message, doc_url and request_id.

import { getToken } from './session.js';

export class ApiError extends Error {
  constructor(status, { code, message, doc_url, request_id } = {}) {
    super(message ?? `The server answered ${status}.`);
    this.status = status;
    this.code = code ?? `http_${status}`;
    this.docUrl = doc_url ?? null;
    this.requestId = request_id ?? null;
  }
}

let onSessionEnded = () => {};

/** Called when the stored session is refused (expired, or signed out elsewhere). */
export function whenSessionEnds(listener) {
  onSessionEnded = listener;
}

/**
 * Calls the API. `token` overrides the stored session (the sign-in sends an API key once this way).
 */
export async function call(method, path, { body, token } = {}) {
  const bearer = token === undefined ? getToken() : token;
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, {
      code: 'network_error',
      message: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.ok) return data;
  const error = new ApiError(response.status, data?.error);
  if (response.status === 401 && token === undefined && bearer) onSessionEnded(error);
  throw error;
}
