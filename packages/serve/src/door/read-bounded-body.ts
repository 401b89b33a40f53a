import { InvalidArgumentError } from '@gemloop/core/errors';
import { hasContentCoding, readBoundedText } from '@gemloop/core/internal';

/**
 * A request body as text, at most `maxBytes`: `coded()` is thrown for a body with a content
 * coding, which no door decodes (unread, before its declared length is judged: core's
 * `hasContentCoding`), `tooLarge(message)` for a body declared or read past the bound (the
 * message from {@link bodyTooLargeMessage}), `notUtf8()` for
 * bytes that are not UTF-8 (never replaced by U+FFFD), each in the door's own error shape. Shared
 * by the doors. @internal
 */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
  errors: { coded: () => Error; tooLarge: (message: string) => Error; notUtf8: () => Error },
): Promise<string> {
  if (hasContentCoding(request)) throw errors.coded();
  const header = request.headers.get('content-length');
  const declared = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw errors.tooLarge(bodyTooLargeMessage(maxBytes, declared));
  try {
    return await readBoundedText(request, maxBytes);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error))
      throw error.argument === 'encoding'
        ? errors.notUtf8()
        : errors.tooLarge(bodyTooLargeMessage(maxBytes, undefined));
    throw error;
  }
}

/**
 * The words of a door's 413: the size seen (the declared length, or "over" for a body cut off as
 * it was read), the limit, and the option that raises it, so a client sending a phone photo learns
 * what to change and the operator which setting; nothing else of the server. Each door puts it in
 * its protocol's error (OpenAI error object, JSON-RPC error, AG-UI `RUN_ERROR`-shaped body).
 * @internal
 */
export function bodyTooLargeMessage(maxBytes: number, declared: number | undefined): string {
  const limit = `this server's limit of ${maxBytes} bytes${inMebibytes(maxBytes)}`;
  const seen =
    declared === undefined
      ? `The request body is over ${limit}`
      : `The request body is ${declared} bytes${inMebibytes(declared)}, over ${limit}`;
  return `${seen}: send less (a smaller image or file, or fewer), or have the server's maxBodyBytes option raised.`;
}

/** " (N MiB)" for a size of at least 1 MiB, one decimal; "" below. */
function inMebibytes(bytes: number): string {
  if (bytes < 1024 * 1024) return '';
  const mebibytes = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return ` (${mebibytes} MiB)`;
}
