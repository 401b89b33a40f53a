import { describe, expect, it } from 'vitest';
import { MediaPartRefusedError } from './media-part-refused-error.ts';
import { readPageMessage, toPageRefusal } from './read-page-message.ts';

// The route's half of a page's files: `{ message, files }` as @gemloop/client's readMessageFiles
// sends them, read into one user turn through the doors' own media reader, and a refusal answered
// in the shape the page's client reads (`file-refused`, the file's index, a fault of the page's).

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).toString('base64');

function refused(read: () => unknown): MediaPartRefusedError {
  try {
    read();
  } catch (error) {
    if (MediaPartRefusedError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a MediaPartRefusedError');
}

describe('readPageMessage', () => {
  it('a message without files is its text, as a text-only page sent it', () => {
    expect(readPageMessage({ message: 'Hi' })).toEqual({ text: 'Hi', input: 'Hi', files: 0 });
    expect(readPageMessage({ message: 'Hi', files: null })).toEqual({
      text: 'Hi',
      input: 'Hi',
      files: 0,
    });
    expect(readPageMessage({ message: 'Hi', files: [] })).toEqual({
      text: 'Hi',
      input: 'Hi',
      files: 0,
    });
  });

  it('files become inline parts after the text, in order, the base64 passed on as it came', () => {
    const pdf = Buffer.from('%PDF-1.7').toString('base64');
    const read = readPageMessage({
      message: 'Compare these',
      files: [
        { url: `data:image/png;base64,${PNG}`, mediaType: 'image/png', filename: 'a.png', size: 8 },
        { url: `data:application/pdf;base64,${pdf}` },
      ],
    });
    expect(read).toEqual({
      text: 'Compare these',
      input: [
        { text: 'Compare these' },
        { inlineData: { mimeType: 'image/png', data: PNG } },
        { inlineData: { mimeType: 'application/pdf', data: pdf } },
      ],
      files: 2,
    });
    // Files alone: no empty text part.
    expect(
      readPageMessage({ message: '', files: [{ url: `data:image/png;base64,${PNG}` }] }).input,
    ).toEqual([{ inlineData: { mimeType: 'image/png', data: PNG } }]);
  });

  it('refuses a remote URL, a type Gemini does not read, bad base64, a missing url, naming files[i].url', () => {
    const cases = [
      [{ url: 'http://169.254.169.254/latest/meta-data' }, 'remote-url', 'not-a-file'],
      [{ url: `data:application/zip;base64,${PNG}` }, 'mime-type-mismatch', 'type-not-taken'],
      [{ url: `data:not a type;base64,${PNG}` }, 'invalid-mime-type', 'type-not-taken'],
      [{ url: 'data:image/png;base64,@@@' }, 'invalid-base64', 'not-a-file'],
      [{ name: 'x.png' }, 'not-a-data-url', 'not-a-file'],
      ['data:image/png;base64,AAAA', 'not-a-data-url', 'not-a-file'],
    ] as const;
    for (const [file, fault, pageFault] of cases) {
      const error = refused(() =>
        readPageMessage({
          message: 'What is this?',
          files: [{ url: `data:image/png;base64,${PNG}` }, file],
        }),
      );
      expect(error.path, JSON.stringify(file)).toBe('files[1].url');
      expect(error.fault, JSON.stringify(file)).toBe(fault);
      expect(error.message).not.toContain('169.254');
      expect(toPageRefusal(error)).toEqual({
        error: { code: 'file-refused', file: 1, fault: pageFault, message: error.message },
      });
    }
  });

  it('bounds the count: 10 by default, maxFiles from 1 to the doors` 64; not a list is refused', () => {
    const file = { url: `data:image/png;base64,${PNG}` };
    const eleven = Array.from({ length: 11 }, () => file);
    const tooMany = refused(() => readPageMessage({ message: 'x', files: eleven }));
    expect(tooMany).toMatchObject({ path: 'files', fault: 'too-many-media-parts' });
    expect(toPageRefusal(tooMany).error).toMatchObject({ file: 0, fault: 'too-many-files' });
    expect(readPageMessage({ message: 'x', files: eleven, maxFiles: 11 }).files).toBe(11);
    expect(readPageMessage({ message: 'x', files: Array(64).fill(file), maxFiles: 64 }).files).toBe(
      64,
    );
    for (const maxFiles of [0, 65, 1.5, Number.NaN]) {
      expect(
        () => readPageMessage({ message: 'x', files: [file], maxFiles }),
        String(maxFiles),
      ).toThrow(expect.objectContaining({ code: 'invalid-argument', argument: 'maxFiles' }));
    }
    expect(refused(() => readPageMessage({ message: 'x', files: { url: file.url } })).path).toBe(
      'files',
    );
  });
});
