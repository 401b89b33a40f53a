import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { caseFromRunFile } from './cases-from-run.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';

// attack56: a full recording holds an image once and refers to it after, and the reader puts the
// image back at each reference. A file of a few megabytes made of references to one image stood for
// hundreds of gigabytes: a 20 MB file of 100,000 references to a 4 MB image kept
// `gemloop eval from-runs` in `JSON.stringify` of its case for hours at 2.5 GB (killed at 5 min).

const IMAGE = 'QUJD'.repeat(256 * 1024); // 1 MiB of base64
const REFERENCE = `[${IMAGE.length} characters omitted: same as sha256:${createHash('sha256').update(IMAGE).digest('hex')}]`;
const blob = (data: string) => ({ inlineData: { mimeType: 'image/png', data } });

function runFile(copies: number): string {
  const request = (parts: unknown[]) => ({
    type: 'model-call-start',
    request: { contents: [{ role: 'user', parts }] },
  });
  return [
    { type: 'run-start', format: 1, runId: 'r1', model: 'gemini-2.5-flash', input: 'Look.' },
    request([{ text: 'Look.' }, blob(IMAGE)]),
    // Lines of 100 references: ~12 KB each, 100 MiB of image each once resolved.
    ...Array.from({ length: Math.ceil(copies / 100) }, () =>
      request(Array.from({ length: 100 }, () => blob(REFERENCE))),
    ),
    {
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'A cat.' }] } }] },
    },
    { type: 'run-end', outcome: 'success', text: 'A cat.' },
  ]
    .map((line) => JSON.stringify(line))
    .join('\n');
}

describe('caseFromRunFile and media references standing for more than a string holds', () => {
  it('refuses the file by name, at the line that passed 2^29 characters, before any case', () => {
    const text = runFile(600); // 600 MiB once resolved, from a 1.1 MB file
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    const refused = (() => {
      try {
        caseFromRunFile(text, 'runs/bomb.jsonl');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(EvalDatasetError);
    expect((refused as Error).message).toContain('runs/bomb.jsonl');
    expect((refused as Error).message).toContain(
      'stand for more than 536870912 characters of media by line 8',
    );
  });

  it('still resolves a file whose references stay under it (held)', () => {
    const evalCase = caseFromRunFile(runFile(100), 'runs/fine.jsonl');
    const requests = evalCase?.fixtures?.requests as { contents: { parts: unknown[] }[] }[];
    expect(requests).toHaveLength(2);
    expect(requests[1]?.contents[0]?.parts[99]).toEqual(blob(IMAGE));
  });
});
