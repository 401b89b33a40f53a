import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MediaPartRefusedError } from './media-part-refused-error.ts';
import { readMediaPart } from './read-media-part.ts';

// attack55b: data URLs and base64 as real encoders write them, and as hostile ones do. Real
// encoders: Python's `base64.encodebytes` and `openssl base64` wrap at 76 characters (MIME,
// RFC 2045), Python's `urlsafe_b64encode` and JWT-style tools write `-` and `_` (RFC 4648 §5). A
// browser's data URL decoding drops the ASCII whitespace (WHATWG forgiving-base64) and Gemini's
// JSON bytes take the URL-safe alphabet (proto3 JSON): the door took neither before.

const image = { path: 'messages[0].content[0].image_url.url', kind: 'image' } as const;

function faultOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (MediaPartRefusedError.isInstance(error)) return error.fault;
    throw error;
  }
  return 'taken';
}

/** `bytes` as base64 wrapped at 76 characters, as MIME encoders write it. */
function wrapped(bytes: Buffer, lineEnd: string): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(lineEnd);
}

describe('readMediaPart against encoders and hostile data URLs (attack55b)', () => {
  const bytes = randomBytes(3000);
  const standard = bytes.toString('base64');

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('takes base64 wrapped at 76 characters (%s) and sends it to Gemini unwrapped', (_, end) => {
    const url = `data:image/png;base64,${wrapped(bytes, end)}\n`;
    expect(readMediaPart({ url }, image)).toEqual({
      inlineData: { mimeType: 'image/png', data: standard },
    });
  });

  it('takes the URL-safe alphabet, unpadded, and sends the standard one (the same bytes)', () => {
    const urlSafe = bytes.toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    const part = readMediaPart(
      { mimeType: 'audio/wav', data: urlSafe },
      { path: 'p', kind: 'audio' },
    );
    const data = part.inlineData?.data ?? '';
    expect(data).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(Buffer.from(data, 'base64').equals(bytes)).toBe(true);
  });

  it.each([
    ['upper-case scheme, type and base64', 'DATA:IMAGE/PNG;BASE64,iVBORw0KGgo=', 'taken'],
    ['a charset parameter before base64', 'data:image/png;charset=utf-8;base64,iVBO', 'taken'],
    [
      'no MIME type (RFC 2397 would read text/plain)',
      'data:;base64,iVBORw0KGgo=',
      'invalid-mime-type',
    ],
    ['not base64 (percent-encoded bytes)', 'data:image/png,%89PNG%0D%0A', 'not-a-data-url'],
    ['a percent-encoded MIME type', 'data:image%2Fpng;base64,iVBO', 'invalid-mime-type'],
    ['percent-encoded base64', 'data:image/png;base64,iVBO%2B%2F', 'invalid-base64'],
    ['0 bytes', 'data:image/png;base64,', 'invalid-base64'],
    ['only line breaks', 'data:image/png;base64,\r\n\r\n', 'invalid-base64'],
    ['a non-ASCII space inside', 'data:image/png;base64,iVBO\u2028Rw0K', 'invalid-base64'],
    ['padding inside', 'data:image/png;base64,iV==Rw0K', 'invalid-base64'],
    ['an audio type in an image part', 'data:audio/wav;base64,UklGRg==', 'mime-type-mismatch'],
  ])('%s: %s is %s', (_, url, fault) => {
    expect(faultOf(() => readMediaPart({ url }, image))).toBe(fault);
  });

  it('reads a head of up to 256 characters (data: to the comma), not one character more', () => {
    const head = (length: number) => {
      const name = 'x'.repeat(length - 'data:image/png;n=;base64'.length);
      return `data:image/png;n=${name};base64`;
    };
    expect(head(256)).toHaveLength(256);
    expect(faultOf(() => readMediaPart({ url: `${head(256)},iVBO` }, image))).toBe('taken');
    expect(faultOf(() => readMediaPart({ url: `${head(257)},iVBO` }, image))).toBe(
      'not-a-data-url',
    );
  });

  it('says an empty part is empty, not that it is "not base64"', () => {
    try {
      readMediaPart({ url: 'data:image/png;base64,' }, image);
    } catch (error) {
      expect((error as Error).message).toBe(
        `${image.path} is empty: send the content's bytes as base64.`,
      );
      return;
    }
    throw new Error('expected a refusal');
  });
});
