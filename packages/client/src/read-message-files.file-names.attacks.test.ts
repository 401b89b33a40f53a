import { describe, expect, it } from 'vitest';
import { readMessageFiles } from './read-message-files.ts';

// leftovers76: a file's name is what the page shows in the message, saves with the conversation
// and sends to the server. A browser's `File` names no folder, but a page may build one with any
// name, or give back a `MessageFile` from its storage: the name sent and shown is the base name.

const url = 'data:application/pdf;base64,JVBERi0x';

describe('readMessageFiles: a name that holds a path', () => {
  it.each([
    ['a Windows path', 'C:\\Users\\alice\\Documents\\report.pdf', 'report.pdf'],
    ['a POSIX path', '/home/alice/secret/report.pdf', 'report.pdf'],
    ['a climb out of a folder', '../../etc/passwd', 'passwd'],
    ['mixed separators', 'a/b\\c.pdf', 'c.pdf'],
    ['a line end and a bidi override', 'in\r\nvoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a plain name', 'report 2026.pdf', 'report 2026.pdf'],
  ])('%s: only the base name, as a File and as a MessageFile', async (_label, name, base) => {
    const [fromFile] = await readMessageFiles([
      new File(['%PDF-1'], name, { type: 'application/pdf' }),
    ]);
    expect(fromFile?.filename).toBe(base);
    const [given] = await readMessageFiles([
      { url, mediaType: 'application/pdf', filename: name, size: 6 },
    ]);
    expect(given?.filename).toBe(base);
  });

  it.each([
    ['a folder', 'photos/'],
    ['a dot', '.'],
    ['two dots', 'a\\..'],
    ['only control characters', '\u0000\u0007'],
  ])('%s: no name at all', async (_label, name) => {
    const [given] = await readMessageFiles([
      { url, mediaType: 'application/pdf', filename: name, size: 6 },
    ]);
    expect(given?.filename).toBeUndefined();
  });

  it('a name of 100,000 characters is cut to 255, never half a surrogate pair', async () => {
    const [long] = await readMessageFiles([
      { url, mediaType: 'application/pdf', filename: 'x'.repeat(100_000), size: 6 },
    ]);
    expect(long?.filename).toBe('x'.repeat(255));
    const [pair] = await readMessageFiles([
      { url, mediaType: 'application/pdf', filename: `${'x'.repeat(254)}😀tail`, size: 6 },
    ]);
    expect(pair?.filename).toBe('x'.repeat(254));
  });
});
