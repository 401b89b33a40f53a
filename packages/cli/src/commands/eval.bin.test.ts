// The built bin as `npx gemloop eval suite.ts` runs it in a user's project: plain node (Node 20
// here, which cannot import TypeScript itself), no loader flag, nothing installed beside gemloop
// and @gemloop/evals.

import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { GUARDED_TEST_LIMIT_MS } from '../../../../scripts/run-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, runCliBin } from '../__fixtures__/build-cli.ts';

// The bin imports the built @gemloop/core and @gemloop/evals; build them first (incremental).
beforeAll(buildCli, BUILD_LIMIT_MS);

/** A project folder whose node_modules are the CLI's: gemloop's dependencies and @gemloop/evals. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-eval-ts-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(
    fileURLToPath(new URL('../../node_modules', import.meta.url)),
    join(dir, 'node_modules'),
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const gemloop = runCliBin;

/** A preload that writes every module URL the process loads to GEMLOOP_LOADED_LOG. */
const LOG_LOADED_MODULES = fileURLToPath(
  new URL('../__fixtures__/log-loaded-modules.mjs', import.meta.url),
);
/** A preload that writes `cjs <path>` for every file compiled as CommonJS to the same log. */
const LOG_COMPILED_MODULES = fileURLToPath(
  new URL('../__fixtures__/log-compiled-modules.cjs', import.meta.url),
);

const answer = (text: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
});

// TypeScript that only a real TypeScript loader runs: types, an enum, and a `.js` specifier that
// names a `.ts` file (Node's own type stripping, 22.18+, refuses the last two).
const FILES = {
  'greeting.ts': `export enum Tone { Plain = 'plain' }
export function greeting(tone: Tone, name: string): string {
  return tone === Tone.Plain ? \`Hello, \${name}.\` : '';
}
`,
  'suite.ts': `import { createAgent } from '@gemloop/core';
import { type EvalCase, defineEvalSuite, exactMatch } from '@gemloop/evals';
import { Tone, greeting } from './greeting.js';

const cases: EvalCase[] = [
  {
    id: 'greets-ada',
    input: 'Greet Ada.',
    expected: { text: greeting(Tone.Plain, 'Ada') },
    fixtures: { modelResponses: [${JSON.stringify(answer('Hello, Ada.'))}] },
  },
  {
    id: 'greets-alan',
    input: 'Greet Alan.',
    expected: { text: greeting(Tone.Plain, 'Alan') },
    fixtures: { modelResponses: [${JSON.stringify(answer('Hi Alan!'))}] },
  },
];

export default defineEvalSuite({
  name: 'greetings',
  cases,
  scorers: [exactMatch()],
  minPass: 0.5,
  createAgent: ({ gemini }) => createAgent({ gemini, model: 'gemini-2.5-flash' }),
});
`,
};

// Each test's limit sits above the hang guard its bin runs under (runCliBin), so a hung bin fails
// with the guard's message.
describe('gemloop eval, the built bin', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  // `npm init` writes no `"type"` (CommonJS to Node and tsx); many projects say `"module"`.
  it.each([
    ['a CommonJS', {}],
    ['an ES module', { 'package.json': '{ "type": "module" }\n' }],
  ])(
    'runs a .ts suite of %s project on plain node (Node 20 included): replayed, scored, gated',
    async (_kind, extra) => {
      const dir = project({ ...FILES, ...extra });
      const log = join(dir, 'loaded.txt');
      const passed = await gemloop(['eval', 'suite.ts'], dir, {
        NODE_OPTIONS: `--require ${LOG_COMPILED_MODULES} --import ${LOG_LOADED_MODULES}`,
        GEMLOOP_LOADED_LOG: log,
      });
      expect(passed.stderr).toMatch(/PASS\s+greets-ada/);
      expect(passed.stderr).toMatch(/FAIL\s+greets-alan/);
      expect(passed.stdout).toContain('1/2 passed (50.0%)');
      expect(passed.code).toBe(0);
      // Core's run path and the fake load before tsx's hooks are registered: only the suite's own
      // files go through them (each module after the registration crosses to the hooks' thread).
      const lines = readFileSync(log, 'utf8').split('\n');
      const loaded = lines.filter((line) => !line.startsWith('cjs '));
      const tsx = loaded.findIndex((url) => url.includes('/tsx/'));
      expect(tsx).toBeGreaterThan(0);
      expect(loaded.slice(tsx).filter((url) => /\/packages\/\w+\/dist\//.test(url))).toEqual([]);
      expect(lines.some((line) => line.endsWith('/suite.ts'))).toBe(true);
      // One copy of core and evals: the suite's `require` (a CommonJS project's) gets the command's
      // ES modules (Node hands each package's entry to its ES module cache), none of their files
      // compiled to CommonJS a second time by tsx (a second module graph, ~1.2 s a start).
      const dist = /\/packages\/\w+\/dist\//;
      const compiled = lines.filter((line) => line.startsWith('cjs ') && dist.test(line));
      expect(compiled.filter((line) => !line.endsWith('/dist/index.js'))).toEqual([]);
      // Core's root (its modules are in shared chunks: scripts/bundle-core.mjs) loads once.
      const coreRoot = loaded.filter((line) => line.endsWith('/core/dist/index.js'));
      expect(coreRoot).toHaveLength(1);
      // The suite's gate holds; a stricter one from the command line fails the run.
      const failed = await gemloop(['eval', 'suite.ts', '--min-pass', '1'], dir);
      expect(failed.stderr).toContain('gemloop eval: FAILED: pass rate 50.0% is below the gate');
      expect(failed.code).toBe(1);
    },
  );

  it('names the file and the problem when a .ts suite does not compile', async () => {
    const dir = project({ 'broken.ts': 'export default {\n' });
    const result = await gemloop(['eval', 'broken.ts'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gemloop eval broken.ts: importing it failed');
  });
});
