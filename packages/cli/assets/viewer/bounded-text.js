import { el, visible } from './dom.js';
import { formatCount } from './format.js';

/** How many characters a block shows before "show more", and how many more each click shows. */
export const SHOWN_CHARS = 3000;
const MORE_CHARS = 1_000_000;

/**
 * A block of run text shown as text, its first {@link SHOWN_CHARS} characters at first and a
 * "show more" button (below the block, outside its scroll box) for the rest: a megabyte tool
 * result never lands on the page whole unasked. `key` names the block so a live re-render keeps
 * it expanded (see run-page.js).
 */
export function boundedText(text, { tag = 'div', className = 'text', key, expanded, id } = {}) {
  const body = el(tag, { className });
  const holder = el('div', { className: 'bounded', id, 'data-key': key }, body);
  let shown = 0;
  const more = el('button', { type: 'button', className: 'show-more' });
  const reveal = (count) => {
    shown = Math.min(text.length, shown + count);
    body.replaceChildren(visible(text.slice(0, shown)));
    if (shown < text.length) {
      more.textContent = `show more (${formatCount(text.length - shown)} more characters)`;
      holder.append(more);
    } else more.remove();
  };
  more.onclick = () => {
    holder.classList.add('expanded');
    reveal(MORE_CHARS);
  };
  reveal(SHOWN_CHARS);
  if (expanded?.has(key)) more.onclick();
  return holder;
}
