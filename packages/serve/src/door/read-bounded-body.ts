import { InvalidArgumentError } from '@gemloop/core/errors';
import { readBoundedText } from '@gemloop/core/internal';

/**
 * A request body as text, at most `maxBytes`: `tooLarge()` is thrown for a body declared or read
 * past it, `notUtf8()` for bytes that are not UTF-8 (never replaced by U+FFFD), each in the door's
 * own error shape. Shared by the doors. @internal
 */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
  tooLarge: () => Error,
  notUtf8: () => Error,
): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  try {
    return await readBoundedText(request, maxBytes);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error))
      throw error.argument === 'encoding' ? notUtf8() : tooLarge();
    throw error;
  }
}
