import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { copiedOption, type OptionCheck } from '../options/define-options.ts';

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks extra headers (string names and values, no line breaks) and lower-cases the names, so a
 * bad header fails here with its name rather than as a TypeError inside fetch on every request.
 * Values are never echoed in messages: a header may hold a secret.
 * @throws {@link InvalidArgumentError} naming the header.
 * @internal
 */
export function checkHeaders(
  headers: unknown,
  argument: string,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a plain object of header names to string values.`,
    });
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      // Only what comes before the first character a name cannot have (attack14: a whole line
      // given as a name, `'Authorization: Bearer <key>'`, put the key in the message).
      const start = name.slice(0, name.search(/[^!#$%&'*+.^_`|~0-9A-Za-z-]/));
      throw new InvalidArgumentError({
        argument: `${argument}.${start}`,
        message: `${argument}: '${start}…' is not a valid header name.`,
      });
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new InvalidArgumentError({
        argument: `${argument}.${name}`,
        message: `${argument}.${name} must be a string without line breaks.`,
      });
    }
    const unsendable = describeUnsendable(value);
    if (unsendable !== undefined) {
      throw new InvalidArgumentError({
        argument: `${argument}.${name}`,
        message: `${argument}.${name} has a character no HTTP header can carry (${unsendable}): header values are Latin-1 without control characters. Remove it, or encode the value.`,
      });
    }
    result[name.toLowerCase()] = value;
  }
  return result;
}

/**
 * The first character of `value` a header cannot carry, as `U+200B at position 9` (1-based, the
 * value itself never shown), or `undefined` when there is none. Header values are byte strings
 * without controls but the tab: undici refuses anything else (`headerCharRegex`,
 * `/[^\t\x20-\x7e\x80-\xff]/` in lib/core/util.js) with an error on every request that reads
 * like a network failure.
 * @internal
 */
export function describeUnsendable(value: string): string | undefined {
  const index = value.search(/[^\t\x20-\x7e\x80-\xff]/);
  if (index === -1) return undefined;
  const codePoint = value.codePointAt(index) as number;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} at position ${index + 1}`;
}

/**
 * Whether `value` starts and ends with the same ASCII quote (`"…"`, `'…'`, a backtick pair): a
 * key read from a file by `docker run --env-file` or compose's `env_file`, which keep quotes as
 * part of the value. No key of Google's or a gateway's is wrapped in quotes, and the server's
 * answer (400 "API key not valid") gives no hint, so the client and the probe refuse it.
 * @internal
 */
export function isWrappedInQuotes(value: string): boolean {
  return /^(["'`]).*\1$/s.test(value);
}

/**
 * {@link checkHeaders} as the check of an options declaration (`defineOptions`); copied by
 * `checkOptionsCopy` (each header read once), so a getter cannot give the check a value and the
 * requests another: the agent's `callOptions.headers` was checked `'a'` at createAgent, then read
 * again as `5` by the agent's own check (attack60d). @internal
 */
export const headersOption: OptionCheck = copiedOption((value, path) => {
  checkHeaders(value, path);
});
