import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { OptionCheck } from '../options/define-options.ts';

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
      throw new InvalidArgumentError({
        argument: `${argument}.${name}`,
        message: `${argument}: '${name}' is not a valid header name.`,
      });
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new InvalidArgumentError({
        argument: `${argument}.${name}`,
        message: `${argument}.${name} must be a string without line breaks.`,
      });
    }
    result[name.toLowerCase()] = value;
  }
  return result;
}

/** {@link checkHeaders} as the check of an options declaration (`defineOptions`). @internal */
export const headersOption: OptionCheck = (value, path) => {
  checkHeaders(value, path);
};
