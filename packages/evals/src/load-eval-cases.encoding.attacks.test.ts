import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { loadEvalCases } from './load-eval-cases.ts';

// attack43a: a dataset saved in another encoding than UTF-8 (an editor's Windows-1252: "Café" as
// 0x43 0x61 0x66 0xE9, "18 °C" with 0xB0). It was read with each such byte as U+FFFD: the case
// sent the model "Caf\uFFFD" and expected "18 \uFFFDC", and failed or drifted far from the cause,
// silently. JSON between systems must be UTF-8 (RFC 8259 section 8.1); the serving doors already
// refuse other bytes (attack40). Refused with the line and how to fix it; a U+FFFD that is really
// in the file (as UTF-8) is kept.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataset(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-encoding-'));
  dirs.push(dir);
  const path = join(dir, 'cases.jsonl');
  writeFileSync(path, bytes);
  return path;
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('loadEvalCases: a dataset that is not UTF-8', () => {
  it.each([
    ['Windows-1252 é', Buffer.from([0x43, 0x61, 0x66, 0xe9])],
    ['a lone continuation byte', Buffer.from([0x80])],
    ['an overlong slash', Buffer.from([0xc0, 0xaf])],
    ['a UTF-16 surrogate as UTF-8', Buffer.from([0xed, 0xa0, 0x80])],
    ['a cut 4-byte character', Buffer.from([0xf0, 0x9f, 0x9a])],
  ])('refuses %s, naming its line', async (_name, bad) => {
    const path = dataset(
      Buffer.concat([
        utf8('{"id":"a","input":"Hello"}\n{"id":"b","input":"Caf'),
        bad,
        utf8('"}\n{"id":"c","input":"x"}\n'),
      ]),
    );
    const error = await loadEvalCases(path).catch((caught: unknown) => caught);
    expect(EvalDatasetError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ source: path, line: 2 });
    expect((error as Error).message).toMatch(/not UTF-8.*save .*as UTF-8/);
  });

  it('reads UTF-8 whole, a real U+FFFD and a byte-order mark included', async () => {
    const path = dataset(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        utf8('{"id":"a","input":"Café 18 °C \uFFFD 🚀"}\n'),
      ]),
    );
    const cases = await loadEvalCases(path);
    expect(cases[0]?.input).toBe('Café 18 °C \uFFFD 🚀');
  });
});
