import { describe, expect, it } from 'vitest';
import { createScanMemo } from './scan-memo.ts';
import { scrubSecrets } from './scrub-secrets.ts';

// scrub47: a memo keeps the long texts found clean by the object and property that held them, so
// a door scans a thread's stored turns once. It must never hide a key: a text changed in place,
// a key of another list of secrets, an equal text elsewhere all still get their scan.

const KEY = 'sk-scrub47-memo-0123456789';
const OTHER = 'sk-scrub47-other-9876543210';
const LONG = 'y'.repeat(1000);

describe('scrubSecrets with a ScanMemo (scrub47)', () => {
  it('scans a clean long text once while its holder keeps it', () => {
    const memo = createScanMemo();
    const turn = { role: 'model', parts: [{ text: LONG }] };
    expect(scrubSecrets({ history: [turn] }, [KEY], memo).history[0]).toBe(turn);
    const first = memo.scannedChars;
    expect(first).toBeGreaterThanOrEqual(LONG.length);
    // The same turn in another event, or the next send's result: only its short texts again.
    expect(scrubSecrets({ result: { contents: [turn] } }, [KEY], memo).result.contents[0]).toBe(
      turn,
    );
    expect(memo.scannedChars - first).toBeLessThan(LONG.length);
  });

  it('scans a text again when its holder now holds another, and redacts the key in it', () => {
    const memo = createScanMemo();
    const part = { text: LONG };
    scrubSecrets([part], [KEY], memo);
    part.text = `${LONG} ${KEY}`;
    expect(JSON.stringify(scrubSecrets([part], [KEY], memo))).not.toContain(KEY);
    // A key shape, whoever's: the same.
    part.text = `${LONG} AIzaSyD-scrub47-memo-0123456789abcdefghi`;
    expect(JSON.stringify(scrubSecrets([part], [KEY], memo))).toContain('[redacted]');
  });

  it("keeps what it found clean per list of secrets: another list's key is still found", () => {
    const memo = createScanMemo();
    const part = { text: `${LONG} ${OTHER}` };
    expect(scrubSecrets([part], [KEY], memo)[0]).toBe(part);
    // A hand-off's receiver's key joins the list: the text is scanned for it.
    expect(JSON.stringify(scrubSecrets([part], [KEY, OTHER], memo))).not.toContain(OTHER);
  });

  it('redacts a key next to clean texts, keeping those as they are and scanned once', () => {
    const memo = createScanMemo();
    const old = { text: LONG };
    scrubSecrets([old], [KEY], memo);
    const before = memo.scannedChars;
    const copied = scrubSecrets({ history: [{ text: `said ${KEY}` }, old] }, [KEY], memo);
    expect(JSON.stringify(copied)).not.toContain(KEY);
    expect(copied.history[1]?.text).toBe(LONG);
    expect(memo.scannedChars - before).toBeLessThan(LONG.length);
  });
});
