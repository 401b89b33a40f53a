import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';

// leftovers73: a tool that prints its environment, and a model that repeats it, put other
// vendors' keys (an OpenAI project key, a GitHub token, a Slack bot token) into the run file
// bare, with no `Bearer ` before them: only Google's shapes and the client's own key were
// redacted. The run itself keeps what the tool and model said (its history is sent back as is);
// the recording, which `gemloop view` serves, holds none of the keys, streamed or unary.

const OPENAI = `sk-proj-${'Ab3dEfGh1jKl_MnOpQrSt-UvWxYz012345'.repeat(2)}T3BlbkFJ${'x9Y8z7W6'.repeat(4)}`;
const GITHUB = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
const SLACK = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

const printEnvironment = defineTool({
  name: 'print_environment',
  description: 'Prints the environment.',
  parameters: z.object({ filter: z.string() }),
  execute: () => ({ OPENAI_API_KEY: OPENAI, GITHUB_TOKEN: GITHUB, note: 'task-force sk-learn' }),
});

describe('a recording of a run whose tool and model quote vendor keys (leftovers73)', () => {
  for (const streamed of [false, true]) {
    it(`holds none of them, ${streamed ? 'streamed' : 'unary'}`, async () => {
      const fake = createFakeGemini({
        script: [
          turn.calls([{ name: 'print_environment', args: { filter: SLACK } }]),
          turn.text(`Your keys: ${OPENAI} and ${GITHUB}; the bot uses ${SLACK}.`),
        ],
      });
      const { url } = await fake.listen();
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-vendor-keys-'));
      onTestFinished(async () => {
        await fake.close();
        await rm(dir, { recursive: true, force: true });
      });
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'vendor-keys-client-key', retry: false }),
        model: 'gemini-2.5-flash',
        tools: [printEnvironment],
        recorder,
        telemetry: false,
      });
      const result = streamed
        ? await agent.stream('Print my environment.').result
        : await agent.run('Print my environment.');
      await recorder.flush();
      // The run keeps the model's words: its history goes back to the model verbatim.
      expect(result.text).toContain(OPENAI);
      let recorded = '';
      for (const name of await readdir(dir, { recursive: true })) {
        recorded += await readFile(join(dir, name), 'utf8').catch(() => '');
      }
      expect(recorded).toContain('print_environment');
      expect(recorded).toContain('task-force sk-learn');
      expect(recorded).toContain('Your keys: [redacted] and [redacted]; the bot uses [redacted].');
      for (const key of [OPENAI, GITHUB, SLACK]) expect(recorded).not.toContain(key);
    });
  }
});
