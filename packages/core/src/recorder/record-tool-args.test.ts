import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFakeGemini, turn } from '../testing/index.ts';
import { defineTool } from '../tools/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';

// recordToolArgs is the one place tool arguments reach a run file (issue 26: secret arguments
// are to be redacted there). With it replacing every argument, no argument may be left in the
// file: not on the tool-call-start line, nor in the model's functionCall parts of the response
// and of the next request's history.
vi.mock('./record-tool-args.ts', () => ({
  recordToolArgs: ({ toolName }: { toolName: string }) => `[args of ${toolName} redacted]`,
}));

it('writes tool arguments only through recordToolArgs', async () => {
  const fake = createFakeGemini({
    script: [turn.call('login', { user: 'ada', password: 'hunter2-secret' }), turn.text('In.')],
  });
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-runs-args-'));
  try {
    const login = defineTool({
      name: 'login',
      description: 'Logs in.',
      parameters: z.object({ user: z.string(), password: z.string() }),
      execute: () => 'ok',
    });
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'args-test-key', retry: false });
    for (const stream of [false, true]) {
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [login],
        recorder,
        telemetry: false,
      });
      if (stream) {
        fake.reset();
        const run = agent.stream('Log in.');
        for await (const _event of run) {
          // drain
        }
        await run.result;
      } else await agent.run('Log in.');
    }
    await recorder.flush();
    const names = await readdir(dir);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text).toContain('[args of login redacted]');
      expect(text).not.toContain('hunter2-secret');
    }
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});
