// Builds the page. Everything goes in as text or as an attribute, never parsed as HTML, and
// the Content-Security-Policy (require-trusted-types-for 'script') makes the browser refuse that.

/**
 * el('p', {class: 'hint'}, 'text', child, …): attributes set, children appended as text/nodes.
 * This is the one way the page listens to events: `onclick: fn`, `onsubmit: fn`, `oninput: fn`
 * … become listeners (addEventListener), never `on…` attributes, which would be inline code.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) {
      if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/**
 * The list a panel shows (keys, passkeys, security events): a table read as cards on narrow
 * screens, the text shown instead when it is empty, and the wrapper that says "Loading…" until
 * the first answer. `shown()` shows whichever of the table and the empty text applies.
 */
export function cardTable({ kind, caption, headings, actions = false, emptyText }) {
  const tbody = el('tbody');
  const empty = el('p', { class: 'muted' }, emptyText);
  const table = el(
    'table',
    { class: `${kind} cards` },
    el('caption', { class: 'visually-hidden' }, caption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headings.map((h) => el('th', { scope: 'col' }, h)),
        actions ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')) : null,
      ),
    ),
    tbody,
  );
  const list = el('div', { class: 'table-wrap' }, el('p', { class: 'muted' }, 'Loading…'));
  const shown = () => {
    empty.hidden = tbody.rows.length > 0;
    table.hidden = !empty.hidden;
  };
  return { tbody, empty, table, list, shown };
}

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let ids = 0;
/** A label and its control, tied by id (the label is what people and tests look for). */
export function field(label, control, hint) {
  control.id ||= `f${++ids}`;
  const hintNode = hint ? el('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'field' }, el('label', { for: control.id }, label), control, hintNode);
}

/**
 * A secret shown once: a read-only field labelled `label` holding `value`, a Copy button (Clipboard
 * API; where it is refused, the text is selected instead) and a warning. `what` names the value in
 * the fallback hint ("key", "code").
 */
export function secretBox(label, value, what, warning) {
  const input = el('input', {
    type: 'text',
    class: 'mono',
    readonly: true,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  input.value = value;
  const status = el('span', { class: 'status', role: 'status' });
  async function copy() {
    try {
      await navigator.clipboard.writeText(input.value);
      fill(status, 'Copied.');
    } catch {
      input.select();
      fill(status, `Press Ctrl+C (⌘C) to copy the selected ${what}.`);
    }
  }
  return el(
    'div',
    { class: 'new-key' },
    field(label, input),
    el('div', { class: 'actions' }, el('button', { type: 'button', onclick: copy }, 'Copy'), status),
    el('p', { class: 'warning' }, warning),
  );
}

/**
 * Only http(s) links: a doc_url can never become a javascript: URL. No URL, no link (new URL(null)
 * would resolve "null" against the page, a link to /null).
 */
export function safeHref(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * An error where the action was taken: its message, then `detail` if given, then (for an API
 * error) its code, the doc link and the request id. A check made by the page itself has no code.
 */
export function errorBox(error, detail) {
  const href = safeHref(error.docUrl);
  return el(
    'div',
    { class: 'error', role: 'alert' },
    el('p', { class: 'error-message' }, error.message),
    detail ? el('p', {}, detail) : null,
    error.code
      ? el(
          'p',
          { class: 'error-meta' },
          'Code ',
          el('code', {}, error.code),
          href ? [' · ', el('a', { href, rel: 'noreferrer', target: '_blank' }, 'What this means')] : null,
          error.requestId ? [' · request ', el('code', {}, error.requestId)] : null,
        )
      : null,
  );
}

/** A slot that shows one error (or nothing) and says it to screen readers. */
export function errorSlot() {
  const slot = el('div', { class: 'error-slot' });
  return {
    node: slot,
    show: (error) => fill(slot, errorBox(error)),
    clear: () => fill(slot),
  };
}

/**
 * Runs an action someone started with `buttons` (one button or an array): while `action` runs the
 * buttons are disabled, so it cannot be started twice, and `errors` (an errorSlot) is cleared. If
 * it throws, the error (an ApiError: message, code, doc link) is shown in `errors`. The buttons are
 * enabled again either way. Resolves to true if the action succeeded, false if it failed.
 */
export async function run(buttons, errors, action) {
  const all = [buttons].flat();
  errors.clear();
  for (const button of all) button.disabled = true;
  try {
    await action();
    return true;
  } catch (error) {
    errors.show(error);
    return false;
  } finally {
    for (const button of all) button.disabled = false;
  }
}
