// attack43a: Ctrl-C in `gemloop eval --live` (or `--batch`, or `eval canary`). The process died
// where it stood: a batch job ran on at Google, and nothing said what was left. The command now
// aborts the eval on the first SIGINT/SIGTERM (runEval's `signal`: running agents aborted, a batch
// job cancelled), says it stopped, and exits 130; a second Ctrl-C is Node's own (the listener is
// gone). The interrupt is injected here, as `gemloop chat`'s is.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

// A suite whose one case's tool waits until its call is aborted.
const SUITE = `import { createAgent, defineTool, jsonSchema } from '@gemloop/core';
import { defineEvalSuite } from '@gemloop/evals';
const wait = defineTool({
  name: 'wait',
  description: 'Waits.',
  parameters: jsonSchema({ type: 'object', properties: {} }),
  execute: (_args, { signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});
export default defineEvalSuite({
  cases: [{ id: 'waits', input: 'wait' }, { id: 'next', input: 'wait' }],
  scorers: [],
  timeoutMs: 20000,
  createAgent: ({ gemini, model }) =>
    createAgent({ gemini, model: model ?? 'gemini-2.5-flash', tools: [wait], telemetry: false }),
});
`;

describe('gemloop eval interrupted', () => {
  it.each([
    ['a live eval', ['suite.mjs', '--live', '--concurrency', '1']],
    [
      'a canary',
      [
        'canary',
        'suite.mjs',
        '--from',
        'gemini-2.5-flash',
        '--to',
        'gemini-2.5-pro',
        '--k',
        '2',
        '--concurrency',
        '1',
      ],
    ],
  ])(
    '%s stops on the first interrupt: running cases aborted, exit 130',
    { timeout: 30_000 },
    async (_name, args) => {
      const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-eval-interrupt-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'suite.mjs'), SUITE);
      const fake = createFakeGemini({ models: 'pattern', script: () => turn.call('wait', {}) });
      cleanups.push(() => fake.close());
      let interrupt: (() => void) | undefined;
      let released = false;
      const command = createEvalCommand(dir, {
        onInterrupt: (stop) => {
          interrupt = stop;
          return () => {
            released = true;
          };
        },
      });
      const out = captureIo({ GEMINI_API_KEY: 'eval-key' }, fake.fetch);
      const running = command.run(args, out);
      while (fake.modelRequests.length === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      expect(interrupt).toBeTypeOf('function');
      interrupt?.();
      expect(await running).toBe(130);
      expect(out.err()).toMatch(/gemloop eval( canary)?: stopped \(interrupted\)/);
      // The second case was never started.
      expect(fake.modelRequests).toHaveLength(1);
      expect(released).toBe(true);
    },
  );
});
