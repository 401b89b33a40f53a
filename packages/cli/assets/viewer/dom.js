// Building the page. Every string that reaches the page goes through `el` as a text node (never
// innerHTML): a model's or a tool's `<script>` shows as characters. Bidirectional controls are
// shown as visible markers, so a tool result cannot reorder the text around it on screen.

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` with each bidi embedding, override and isolate control as a visible `⟨U+202E⟩`. */
export function visible(text) {
  return text.replace(
    BIDI_CONTROLS,
    (char) => `⟨U+${char.codePointAt(0).toString(16).toUpperCase()}⟩`,
  );
}

/**
 * Makes an element: `el('td', { className: 'x' }, 'text', child)`. Strings and numbers become
 * text nodes; `null`, `undefined` and `false` children are skipped. Event handlers are the
 * `on*` props; every other prop is a property (className, title, value) or an attribute.
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props !== undefined && props !== null) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key.startsWith('on')) node[key] = value;
      else if (key === 'className' || key === 'value') node[key] = value;
      else if (key === 'title') node.title = visible(String(value));
      else if (key === 'style') Object.assign(node.style, value);
      else node.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(
      typeof child === 'string' || typeof child === 'number' ? visible(String(child)) : child,
    );
  }
  return node;
}

/**
 * Replaces `parent`'s content; strings become text (as in {@link el}), left-out parts (`null`,
 * `undefined`) are skipped.
 */
export function replaceContent(parent, ...nodes) {
  parent.replaceChildren(
    ...nodes
      .flat()
      .filter((node) => node !== undefined && node !== null && node !== false)
      .map((node) => (typeof node === 'string' ? visible(node) : node)),
  );
}

/** A table: `className`, a header row of `titles`, then `rows` (each a `tr`) as its body. */
export function table(className, titles, rows) {
  return el(
    'table',
    { className },
    el(
      'thead',
      null,
      el(
        'tr',
        null,
        titles.map((title) => el('th', null, title)),
      ),
    ),
    el('tbody', null, rows),
  );
}
