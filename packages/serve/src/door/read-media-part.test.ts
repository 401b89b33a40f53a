import { describe, expect, it } from 'vitest';
import { MediaPartRefusedError } from './media-part-refused-error.ts';
import {
  checkMediaPartCount,
  MAX_MEDIA_PARTS,
  readMediaPart,
  refuseFileReference,
} from './read-media-part.ts';

// The one reader of a caller's media every door shares: what becomes `inlineData`, and what is
// refused (with its path and fault) before any model call.

const at = { path: 'messages[0].content[1].image_url.url', kind: 'image' } as const;

function faultOf(read: () => unknown): { fault: string; path: string; message: string } {
  try {
    read();
  } catch (error) {
    expect(MediaPartRefusedError.isInstance(error)).toBe(true);
    const { fault, path, message } = error as MediaPartRefusedError;
    return { fault, path, message };
  }
  throw new Error('expected a MediaPartRefusedError');
}

describe('readMediaPart', () => {
  it('reads a base64 data URL into inlineData, its data passed on as the same string', () => {
    const data = 'iVBORw0KGgo=';
    expect(readMediaPart({ url: `data:image/png;base64,${data}` }, at)).toEqual({
      inlineData: { mimeType: 'image/png', data },
    });
  });

  it('takes parameters before base64, and upper case in the scheme and the MIME type', () => {
    expect(readMediaPart({ url: 'DATA:Image/JPEG;name=cat.jpg;BASE64,/9j/' }, at)).toEqual({
      inlineData: { mimeType: 'image/jpeg', data: '/9j/' },
    });
  });

  it('takes unpadded base64, as Gemini JSON bytes do', () => {
    expect(
      readMediaPart({ mimeType: 'audio/wav', data: 'UklGRg' }, { path: 'p', kind: 'audio' }),
    ).toEqual({
      inlineData: { mimeType: 'audio/wav', data: 'UklGRg' },
    });
  });

  it.each([
    ['https://example.com/cat.png', 'remote-url'],
    ['http://169.254.169.254/latest/meta-data/', 'remote-url'],
    ['file:///etc/passwd', 'remote-url'],
    ['gs://bucket/cat.png', 'remote-url'],
    ['cat.png', 'not-a-data-url'],
    ['data:image/png,iVBORw0KGgo=', 'not-a-data-url'],
    ['data:image/png;base64', 'not-a-data-url'],
    [`data:image/png;${'x'.repeat(300)};base64,iVBORw0KGgo=`, 'not-a-data-url'],
    ['data:;base64,iVBORw0KGgo=', 'invalid-mime-type'],
    ['data:image;base64,iVBORw0KGgo=', 'invalid-mime-type'],
    ['data:text/html;base64,PGI+', 'mime-type-mismatch'],
    ['data:image/png;base64,', 'invalid-base64'],
    ['data:image/png;base64,iVBO\u00a0Rw0K', 'invalid-base64'],
    ['data:image/png;base64,iVBORw0Kx', 'invalid-base64'],
    ['data:image/png;base64,iV=ORw0K', 'invalid-base64'],
    ['data:image/png;base64,iVBORw=', 'invalid-base64'],
    ['data:image/png;base64,iVBORw0KGgo.w==', 'invalid-base64'],
  ])('refuses %s as %s, naming the path', (url, fault) => {
    expect(faultOf(() => readMediaPart({ url }, at))).toMatchObject({ fault, path: at.path });
  });

  it('never names the refused URL in its words (it may carry a token, or be megabytes)', () => {
    const { message } = faultOf(() =>
      readMediaPart({ url: 'https://internal.example/a.png?token=s3cr3t' }, at),
    );
    expect(message).not.toContain('s3cr3t');
    expect(message).toContain('data:<mime type>;base64,<data>');
  });

  it('a file part takes images, audio, video, PDF and text, not what Gemini does not read', () => {
    const file = { path: 'f', kind: 'file' } as const;
    for (const mimeType of [
      'application/pdf',
      'text/plain',
      'text/csv',
      'image/webp',
      'audio/mp3',
      'video/mp4',
    ]) {
      expect(readMediaPart({ mimeType, data: 'AAAA' }, file)).toEqual({
        inlineData: { mimeType, data: 'AAAA' },
      });
    }
    for (const mimeType of ['application/zip', 'application/x-msdownload']) {
      expect(faultOf(() => readMediaPart({ mimeType, data: 'AAAA' }, file)).fault).toBe(
        'mime-type-mismatch',
      );
    }
  });

  it('checks a 20 MB base64 string without copying or decoding it', () => {
    const data = 'QUJD'.repeat(5 * 1024 * 1024);
    const part = readMediaPart({ mimeType: 'image/png', data }, at);
    expect(part.inlineData?.data).toBe(data);
  });
});

describe('the other refusals', () => {
  it('a stored file reference names the path and the fix', () => {
    expect(faultOf(() => refuseFileReference('messages[0].content[0].file.file_id'))).toMatchObject(
      {
        fault: 'file-reference',
        path: 'messages[0].content[0].file.file_id',
      },
    );
  });

  it(`takes ${MAX_MEDIA_PARTS} media parts in a request, not one more`, () => {
    expect(() => checkMediaPartCount(MAX_MEDIA_PARTS, 'messages')).not.toThrow();
    expect(faultOf(() => checkMediaPartCount(MAX_MEDIA_PARTS + 1, 'messages'))).toMatchObject({
      fault: 'too-many-media-parts',
      path: 'messages',
    });
  });
});
