/** A clause of the user's question, with its offsets in the question. @internal */
export type Clause = { text: string; start: number; end: number };

const separators =
  /[;?!\n]+|,\s+|\.(?:\s+|$)|\s+(?:and|also|then|as well as|&|vs\.?|versus|compared (?:to|with))\s+/gi;
const leadingConjunction = /^(?:(?:and|also|then|but|so|plus|as well as)\s+)+/i;

/**
 * "A, and B; C then D?" → clauses, conjunctions dropped: one request each, so each can go to its
 * own tool. Lists split too ("Paris, Tokyo and New York weather" → "Paris", "Tokyo",
 * "New York weather"); the planner joins the places back to the tool. Nothing splits inside
 * parentheses or quotes (`max(3, 7)`), nor the "and" of "between X and Y".
 * @internal
 */
export function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  const nesting = createNestingReader(text);
  let start = 0;
  for (const match of text.matchAll(separators)) {
    const at = match.index;
    if (nesting(at)) continue;
    if (/\band\b/i.test(match[0]) && /\bbetween\b/i.test(text.slice(start, at))) continue;
    push(clauses, text, start, at);
    start = at + match[0].length;
  }
  push(clauses, text, start, text.length);
  return clauses;
}

function push(clauses: Clause[], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  const conjunction = leadingConjunction.exec(text.slice(start, end));
  if (conjunction !== null) start += conjunction[0].length;
  if (end > start) clauses.push({ text: text.slice(start, end), start, end });
}

/**
 * Whether a position is inside parentheses, brackets or quotes, for increasing positions: the
 * text is scanned once, so a long question with many commas stays linear.
 */
function createNestingReader(text: string): (index: number) => boolean {
  let position = 0;
  let depth = 0;
  let quote: string | undefined;
  return (index) => {
    for (; position < index; position++) {
      const char = text[position] as string;
      if (quote !== undefined) {
        if (char === quote || (quote === '“' && char === '”')) quote = undefined;
      } else if (char === '"' || char === '“' || char === '`') {
        quote = char;
      } else if (char === '(' || char === '[') {
        depth++;
      } else if ((char === ')' || char === ']') && depth > 0) {
        depth--;
      }
    }
    return depth > 0 || quote !== undefined;
  };
}
