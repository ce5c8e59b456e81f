// Passkeys in this browser: the two WebAuthn calls, with the API's JSON options (binaries as
// base64url) turned into what navigator.credentials takes, and the credential it returns turned
// back into JSON (PublicKeyCredential.toJSON() where the browser has it).

/** True when this browser can use passkeys at all. */
export function supported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

/** True on an IP address, where browsers refuse passkeys (the relying party must be a name). */
export function onIpAddress(hostname = location.hostname) {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[') || hostname.includes(':');
}

/** This page at localhost instead of a loopback IP, or null when the IP is not a loopback one. */
export function localhostUrl() {
  const host = location.hostname;
  if (!(host.startsWith('127.') || host === '[::1]' || host === '::1')) return null;
  const url = new URL(location.href);
  url.hostname = 'localhost';
  url.hash = '';
  return url.href;
}

/** The person closed the browser's passkey dialog, it timed out, or the page cancelled it. */
export function isCancel(error) {
  return error?.name === 'NotAllowedError' || error?.name === 'AbortError';
}

/** The authenticator already holds a passkey for this account (excludeCredentials matched). */
export function isAlreadyRegistered(error) {
  return error?.name === 'InvalidStateError';
}

/** True when the browser offers passkeys in the autofill of a username field. */
export async function autofillAvailable() {
  try {
    return supported() && (await PublicKeyCredential.isConditionalMediationAvailable?.()) === true;
  } catch {
    return false;
  }
}

/** navigator.credentials.get for the API's request options; resolves to the assertion's JSON. */
export async function getAssertion(options, { mediation, signal } = {}) {
  const publicKey = {
    ...options,
    challenge: decode(options.challenge),
    allowCredentials: (options.allowCredentials ?? []).map((c) => ({ ...c, id: decode(c.id) })),
  };
  const credential = await navigator.credentials.get({ publicKey, mediation, signal });
  return toJson(credential);
}

/** navigator.credentials.create for the API's creation options; resolves to the attestation. */
export async function createCredential(options) {
  const publicKey = {
    ...options,
    challenge: decode(options.challenge),
    user: { ...options.user, id: decode(options.user.id) },
    excludeCredentials: (options.excludeCredentials ?? []).map((c) => ({ ...c, id: decode(c.id) })),
  };
  return toJson(await navigator.credentials.create({ publicKey }));
}

function toJson(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: encode(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = encode(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
  } else {
    response.authenticatorData = encode(r.authenticatorData);
    response.signature = encode(r.signature);
    if (r.userHandle) response.userHandle = encode(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    response,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
  };
}

function decode(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function encode(buffer) {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
