import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createFileTools } from '../index.ts';

// attack59b: read_file from an offset inside a character moves the start forward to the next
// character, and its page then ended inside one: the page was read as maxBytes + 3 bytes from the
// offset, and once up to 3 of them went to the skip, the byte after the page's end was not in the
// buffer, so the check for a cut character saw nothing there. `offset: 21, maxBytes: 6` on ten
// "é" and ten "😀" gave "😀\ufffd" with nextOffset 30, inside the next emoji, which the next page
// then skipped: the model saw a broken character and lost a whole one.

const root = realpathSync(mkdtempSync(join(tmpdir(), 'gemloop-a59b-read-offset-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEXT = `${'é'.repeat(10)}${'😀'.repeat(10)}a€中😀`;
const BYTES = Buffer.from(TEXT);
writeFileSync(join(root, 'mixed.txt'), BYTES);
const { readFile } = createFileTools({ root });

/** Whether a byte offset of TEXT's UTF-8 falls between two characters. */
const onBoundary = (offset: number): boolean =>
  offset === BYTES.length || ((BYTES[offset] as number) & 0xc0) !== 0x80;

describe('read_file from an offset inside a character', () => {
  it('offset 21, maxBytes 6: a whole emoji, and the next page starts on a character', async () => {
    const page = await readFile.execute(
      { path: 'mixed.txt', offset: 21, maxBytes: 6 },
      toolContext(),
    );
    expect(page.content).toBe('😀');
    expect(page.offset).toBe(24);
    expect(page.nextOffset).toBe(28);
  });

  it('from every offset and for every page size, no page holds half a character and paging on loses nothing', async () => {
    for (let maxBytes = 1; maxBytes <= 9; maxBytes++) {
      for (let offset = 0; offset < BYTES.length; offset++) {
        const first = await readFile.execute(
          { path: 'mixed.txt', offset, maxBytes },
          toolContext(),
        );
        const where = `offset ${offset}, maxBytes ${maxBytes}`;
        expect(first.content, where).not.toContain('\ufffd');
        expect(onBoundary(first.offset), where).toBe(true);
        let text = first.content;
        let next = first.nextOffset;
        while (next !== undefined) {
          expect(onBoundary(next), where).toBe(true);
          const page = await readFile.execute(
            { path: 'mixed.txt', offset: next, maxBytes },
            toolContext(),
          );
          text += page.content;
          next = page.nextOffset;
        }
        expect(text, where).toBe(BYTES.subarray(first.offset).toString('utf8'));
      }
    }
  });
});
