import { InvalidArgumentError } from '@gemloop/core/errors';
import { hasContentCoding, readBoundedText } from '@gemloop/core/internal';

/**
 * A request body as text, at most `maxBytes`: `coded()` is thrown for a body with a content
 * coding, which no door decodes (unread, before its declared length is judged: core's
 * `hasContentCoding`), `tooLarge()` for a body declared or read past the bound, `notUtf8()` for
 * bytes that are not UTF-8 (never replaced by U+FFFD), each in the door's own error shape. Shared
 * by the doors. @internal
 */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
  errors: { coded: () => Error; tooLarge: () => Error; notUtf8: () => Error },
): Promise<string> {
  if (hasContentCoding(request)) throw errors.coded();
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw errors.tooLarge();
  try {
    return await readBoundedText(request, maxBytes);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error))
      throw error.argument === 'encoding' ? errors.notUtf8() : errors.tooLarge();
    throw error;
  }
}
