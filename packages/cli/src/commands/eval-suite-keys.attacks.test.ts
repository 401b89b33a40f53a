// `gemloop eval <file>` with a suite whose gate key is misspelt (attack13): a plain JavaScript
// suite, no type to catch it. The command refuses it naming the key meant; before, the gate was
// dropped and the run passed.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const dir = mkdtempSync(join(tmpdir(), 'gemloop-eval-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gemloop eval: a suite with a misspelt gate', () => {
  it('refuses it, naming the key meant, before any case runs', async () => {
    writeFileSync(
      join(dir, 'typo.mjs'),
      `export default {
  createAgent: () => { throw new Error('no case may run'); },
  cases: [{ id: 'c1', input: 'hi' }],
  scorers: [],
  minPassByScorers: { safety: 1 },
};
`,
    );
    const io = captureIo();
    const code = await createEvalCommand(dir).run(['typo.mjs'], io);
    expect(code).not.toBe(0);
    expect(io.err()).toMatch(/minPassByScorer\b/);
    expect(io.err()).not.toMatch(/no case may run/);
  });
});
