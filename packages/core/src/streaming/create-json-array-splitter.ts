/** What {@link createJsonArraySplitter} reports. */
export type JsonArraySplitterOptions = {
  /** An element of the array is complete: its parsed value and its source text. */
  onValue: (value: unknown, text: string) => void;
  /** An element looked complete but did not parse, or the text is not a JSON array. */
  onMalformed: (text: string, cause: unknown) => void;
};

/** Splits a JSON array read piece by piece. Made by {@link createJsonArraySplitter}. */
export type JsonArraySplitter = {
  /** Feeds the next piece of text (any split, a multi-byte character never cut: decoded text). */
  push(text: string): void;
  /** The text of an element, or of the array, that never completed; undefined when it ended well. */
  pending(): string | undefined;
  /** Characters held for the element being read (for the size limit). */
  pendingLength(): number;
};

/**
 * Reads the JSON array of chunks `streamGenerateContent` writes without `alt=sse` (`[{…}\n,\r\n{…}]`,
 * what a gateway that drops the query sends) one element at a time: each element is parsed and
 * reported as soon as its closing brace arrives, not when the whole array has. Waiting for the
 * array made the first chunk of a recorded gateway answer arrive 970 ms late, after the last
 * write. Strings and escapes are tracked, so a brace inside a string never ends an element; the
 * cost is one pass over the text and one `JSON.parse` per element.
 * @internal
 */
export function createJsonArraySplitter({
  onValue,
  onMalformed,
}: JsonArraySplitterOptions): JsonArraySplitter {
  // 'start': before `[`; 'between': between elements; 'element': inside one; 'end': after `]`.
  let state: 'start' | 'between' | 'element' | 'end' | 'failed' = 'start';
  let carry = '';
  let depth = 0;
  let inString = false;
  let escaped = false;

  const fail = (text: string, message: string): void => {
    state = 'failed';
    onMalformed(text, new SyntaxError(message));
  };

  return {
    push(text) {
      let start = 0;
      for (let index = 0; index < text.length; index++) {
        if (state === 'failed') return;
        const code = text.charCodeAt(index);
        if (state === 'element') {
          if (inString) {
            if (escaped) escaped = false;
            else if (code === BACKSLASH) escaped = true;
            else if (code === QUOTE) inString = false;
            continue;
          }
          if (code === QUOTE) inString = true;
          else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
          else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
            depth--;
            if (depth === 0) {
              const element = carry + text.slice(start, index + 1);
              carry = '';
              state = 'between';
              let value: unknown;
              try {
                value = JSON.parse(element);
              } catch (cause) {
                state = 'failed';
                onMalformed(element, cause);
                return;
              }
              onValue(value, element);
            }
          }
          continue;
        }
        if (isWhitespace(code)) continue;
        if (state === 'start') {
          if (code === OPEN_BRACKET) state = 'between';
          else return fail(text.slice(index), 'The body is not a JSON array.');
        } else if (state === 'between') {
          if (code === COMMA) continue;
          if (code === CLOSE_BRACKET) state = 'end';
          else if (code === OPEN_BRACE) {
            state = 'element';
            start = index;
            depth = 1;
            inString = false;
            escaped = false;
          } else return fail(text.slice(index), 'Expected an object in the JSON array.');
        } else if (state === 'end') {
          return fail(text.slice(index), 'Text after the end of the JSON array.');
        }
      }
      if (state === 'element') carry += text.slice(start);
    },
    pending() {
      if (state === 'element') return carry;
      if (state === 'between' || state === 'start') return state === 'start' ? undefined : '[';
      return undefined;
    },
    pendingLength() {
      return carry.length;
    },
  };
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
