import { boundedText } from './bounded-text.js';
import { prettyJson } from './format.js';

/** A recorded value as pretty JSON in a `<pre>`, bounded with "show more" (bounded-text.js). */
export function jsonBlock(value, options = {}) {
  return boundedText(prettyJson(value), { ...options, tag: 'pre', className: 'json' });
}
