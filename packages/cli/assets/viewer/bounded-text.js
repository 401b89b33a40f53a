import { el, visible } from './dom.js';
import { formatCount } from './format.js';

/** How many characters a block shows before "show more", and how many more each click shows. */
export const SHOWN_CHARS = 3000;
const MORE_CHARS = 1_000_000;
/**
 * The most characters of one value a page ever holds, clicks or not: "show more" added a
 * megabyte a click with no end, so a 20 MB tool result (the viewer reads 24 MiB of a run) could
 * land on the page whole, in one text node (leftovers58). Past it the block says how many more
 * characters the run file holds.
 */
export const MAX_RENDERED_CHARS = 1_000_000;

/**
 * A block of run text shown as text, its first {@link SHOWN_CHARS} characters at first and a
 * "show more" button (below the block, outside its scroll box) for the rest, up to
 * {@link MAX_RENDERED_CHARS}: a megabyte tool result never lands on the page whole unasked, and a
 * larger one never. `key` names the block so a live re-render keeps it expanded (see run-page.js).
 */
export function boundedText(text, { tag = 'div', className = 'text', key, expanded, id } = {}) {
  const body = el(tag, { className });
  const holder = el('div', { className: 'bounded', id, 'data-key': key }, body);
  let shown = 0;
  const more = el('button', { type: 'button', className: 'show-more' });
  const reveal = (count) => {
    shown = Math.min(text.length, MAX_RENDERED_CHARS, shown + count);
    body.replaceChildren(visible(text.slice(0, shown)));
    const left = formatCount(text.length - shown);
    if (shown >= text.length) more.remove();
    else if (shown < MAX_RENDERED_CHARS) {
      more.textContent = `show more (${left} more characters)`;
      holder.append(more);
    } else {
      more.remove();
      holder.append(
        el(
          'p',
          { className: 'not-shown dim' },
          `${left} more characters not shown (the run file holds them).`,
        ),
      );
    }
  };
  more.onclick = () => {
    holder.classList.add('expanded');
    reveal(MORE_CHARS);
  };
  reveal(SHOWN_CHARS);
  if (expanded?.has(key)) more.onclick();
  return holder;
}
