import { InvalidArgumentError } from '@gemloop/core/errors';
import { readBoundedText } from '@gemloop/core/internal';

/**
 * What a door says to a body sent with a `Content-Encoding` (`gzip`, `br`, a list): no door
 * decodes one. @internal
 */
export const CODED_BODY_MESSAGE =
  'The request body has a Content-Encoding, which this server does not decode: send it uncompressed, without Content-Encoding.';

/**
 * Whether `request` declares a content coding other than `identity` (RFC 9110 section 8.4). A
 * door reading such bytes as the body would act on what the label says is something else (plain
 * JSON labelled `br` ran the model, attack44a), and a proxy in front that decodes it would read
 * another body than the door; so the door answers 415 (RFC 9110 section 15.5.16) unread. @internal
 */
export function hasContentCoding(request: Request): boolean {
  const coding = request.headers.get('content-encoding');
  if (coding === null) return false;
  return coding.split(',').some((each) => {
    const token = each.trim().toLowerCase();
    return token !== '' && token !== 'identity';
  });
}

/**
 * A request body as text, at most `maxBytes`: `coded()` is thrown for a body with a content
 * coding (unread), `tooLarge()` for a body declared or read past the bound, `notUtf8()` for bytes
 * that are not UTF-8 (never replaced by U+FFFD), each in the door's own error shape. Shared by the
 * doors. @internal
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
