// `gemloop eval canary` in-process, against scripted models with seeded noise as the endpoint.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CanaryResult } from '@gemloop/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisySupportModels } from '../../../evals/src/__fixtures__/support-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const SUITE = pathToFileURL(
  join(import.meta.dirname, '../eval/__fixtures__/support-suite.ts'),
).href;
const OLD = 'gemini-2.5-flash';
const NEW = 'gemini-2.5-pro';
let dir: string;

const io = captureIo;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gemloop-canary-cli-'));
  writeFileSync(
    join(dir, 'support.mjs'),
    `import { supportSuite } from '${SUITE}';\nexport default supportSuite(2);\n`,
  );
  writeFileSync(
    join(dir, 'marked.mjs'),
    `import { supportSuite } from '${SUITE}';\nexport default supportSuite(2, ['cancel_subscription']);\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gemloop eval canary', () => {
  it('exits 1 when the new model stops calling a tool the team marked, and writes the JSON', async () => {
    // The new model never cancels in the first case; the old one always does.
    const { fake } = noisySupportModels((model, input) => ({
      lookup: 0.3,
      email: 0.3,
      cancel: model === NEW && input.includes('u0') ? 0 : 1,
    }));
    await using _fake = fake;
    const run = io({ GEMINI_API_KEY: 'secret-key-1' }, fake.fetch);
    const code = await createEvalCommand(dir).run(
      [
        'canary',
        'support.mjs',
        '--from',
        OLD,
        '--to',
        NEW,
        '--must-call',
        'cancel_subscription',
        '--json',
        'canary.json',
      ],
      run,
    );
    expect(code).toBe(1);
    expect(run.out()).toContain('REGRESSION support-0');
    expect(run.out()).toContain('REGRESSION must call cancel_subscription: 10/10 → 0/10');
    expect(run.out()).toMatch(/SAME {7}support-1/);
    expect(run.err()).toContain('gemloop eval canary: FAILED: 1 regression(s)');
    const result = JSON.parse(readFileSync(join(dir, 'canary.json'), 'utf8')) as CanaryResult;
    expect(result).toMatchObject({
      format: 'gemloop-canary',
      from: OLD,
      to: NEW,
      k: 10,
      regressions: 1,
    });
    // 2 cases × 10 runs × 2 models, each run one or two model calls.
    expect(fake.modelRequests.length).toBeGreaterThanOrEqual(40);
    expect(
      `${run.out()}${run.err()}${readFileSync(join(dir, 'canary.json'), 'utf8')}`,
    ).not.toContain('secret-key-1');
  }, 60_000);

  it("passes two models alike but for noise, with the suite's own marks and a smaller K", async () => {
    const { fake } = noisySupportModels(() => ({ lookup: 0.5, email: 0.5 }));
    await using _fake = fake;
    const run = io({ GEMINI_API_KEY: 'k' }, fake.fetch);
    const code = await createEvalCommand(dir).run(
      ['canary', 'marked.mjs', '--from', OLD, '--to', NEW, '--k', '4'],
      run,
    );
    expect(run.err()).not.toContain('FAILED');
    expect(code).toBe(0);
    expect(run.out()).toContain('ok must call cancel_subscription: 4/4 → 4/4');
    expect(run.out()).toContain('PASSED');
  }, 60_000);

  it('refuses missing models, a bad --alpha or --k, and a missing key, before any run', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [
        ['canary', 'support.mjs', '--to', NEW],
        { GEMINI_API_KEY: 'k' },
        'give the suite FILE, --from MODEL',
      ],
      [['canary', '--from', OLD, '--to', NEW], { GEMINI_API_KEY: 'k' }, 'give the suite FILE'],
      [
        ['canary', 'support.mjs', '--from', OLD, '--to', NEW, '--alpha', '2'],
        { GEMINI_API_KEY: 'k' },
        '--alpha 2',
      ],
      [
        ['canary', 'support.mjs', '--from', OLD, '--to', NEW, '--k', '0'],
        { GEMINI_API_KEY: 'k' },
        '--k 0',
      ],
      [['canary', 'support.mjs', '--from', OLD, '--to', NEW], {}, 'set GEMINI_API_KEY'],
    ];
    for (const [args, env, message] of cases) {
      const run = io(env);
      expect(await createEvalCommand(dir).run(args, run)).toBe(2);
      expect(run.err()).toContain(message);
    }
    const same = io({ GEMINI_API_KEY: 'k' });
    expect(
      await createEvalCommand(dir).run(['canary', 'support.mjs', '--from', OLD, '--to', OLD], same),
    ).toBe(1);
    expect(same.err()).toContain('from and to are both');
  });
});
