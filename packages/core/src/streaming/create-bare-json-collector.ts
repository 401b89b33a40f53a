/** What {@link createBareJsonCollector} reports. */
export type BareJsonCollectorOptions = {
  /** A complete JSON value was read; `text` is its source. */
  onValue: (value: unknown, text: string) => void;
  /** A complete-looking value did not parse. */
  onMalformed: (text: string, cause: unknown) => void;
};

/** Collects body lines that are not SSE fields. Made by {@link createBareJsonCollector}. */
export type BareJsonCollector = {
  /** Feeds one line (without its line ending). */
  pushLine(line: string): void;
  /** The text of a value that never completed, if the body ended inside one. */
  pending(): string | undefined;
  /** The first line that could not start a JSON value (an HTML page, say), for diagnostics. */
  firstIgnoredLine(): string | undefined;
};

/**
 * Reassembles JSON written into an SSE body without `data:` framing, line by line: an error object
 * sent mid-stream (python-genai: "When API returns an error message, it comes line by line. So we
 * buffer the lines until a complete JSON string is read"), or a gateway that answers the stream
 * endpoint with plain JSON. Lines are buffered from one that starts with `{` or `[` until the
 * brackets balance (strings and escapes are tracked, so it is linear in the text, with one
 * `JSON.parse` per value). Lines before that which cannot start JSON are ignored, as SSE ignores
 * unknown fields.
 * @internal
 */
export function createBareJsonCollector({
  onValue,
  onMalformed,
}: BareJsonCollectorOptions): BareJsonCollector {
  let text = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let ignored: string | undefined;

  return {
    pushLine(line) {
      if (text === '') {
        const start = line.trimStart();
        if (start === '') return;
        if (start[0] !== '{' && start[0] !== '[') {
          ignored ??= line;
          return;
        }
      }
      text += text === '' ? line : `\n${line}`;
      for (let index = 0; index < line.length; index++) {
        const code = line.charCodeAt(index);
        if (inString) {
          if (escaped) escaped = false;
          else if (code === BACKSLASH) escaped = true;
          else if (code === QUOTE) inString = false;
        } else if (code === QUOTE) inString = true;
        else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
        else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
      }
      if (depth > 0 || inString) return;
      const complete = text;
      text = '';
      depth = 0;
      escaped = false;
      let value: unknown;
      try {
        value = JSON.parse(complete);
      } catch (cause) {
        onMalformed(complete, cause);
        return;
      }
      onValue(value, complete);
    },
    pending() {
      return text === '' ? undefined : text;
    },
    firstIgnoredLine() {
      return ignored;
    },
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
