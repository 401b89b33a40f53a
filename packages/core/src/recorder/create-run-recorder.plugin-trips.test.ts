import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { type AgentPlugin, definePlugin } from '../plugins/index.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import type { RecordedRunLine } from './recorded-run.ts';
import { RUN_FILE_NAME } from './run-file.ts';

// Issue 53: what a recording holds of a plugin's trip, ask and answer rewrite, streamed and unary
// (the viewer reads these lines). A trip ends the file with the typed error, its reason redacted
// of the API key a careless plugin quoted; an ask nobody approved is a denied call that says who
// asked; a `checkAnswer` rewrite is the run's text while the step keeps the model's words.

const KEY = 'secret-recorder-key-0123456789';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const pay = defineTool({
  name: 'pay',
  parameters: z.object({ amount: z.number() }),
  execute: ({ amount }) => ({ paid: amount }),
});

const policy: AgentPlugin = definePlugin({
  name: 'policy',
  checkToolCall(call, run) {
    const { amount } = call.input as { amount: number };
    if (amount > 100)
      run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: `over 100 with ${KEY}` });
    return amount > 50 ? { type: 'ask' } : undefined;
  },
  checkAnswer(answer) {
    return /\d/.test(answer.text) ? { text: answer.text.replace(/\d/g, '#') } : undefined;
  },
});

async function record(
  script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script'],
  streaming: boolean,
): Promise<{ lines: RecordedRunLine[]; text: string }> {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-plugin-trips-'));
  dirs.push(dir);
  const gemini = createGemini({ fetch: fake.fetch, apiKey: KEY, retry: false });
  const recorder = createRunRecorder({ dir });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [pay],
    plugins: [policy],
    recorder,
    telemetry: false,
  });
  try {
    if (streaming) {
      for await (const _event of agent.stream('go')) {
        // drained
      }
    } else await agent.run('go');
  } catch {
    // A trip is what some cases record.
  }
  await recorder.flush();
  const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
  if (name === undefined) throw new Error('no run recorded');
  const text = await readFile(join(dir, name), 'utf8');
  return {
    text,
    lines: text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine),
  };
}

function only<Type extends RecordedRunLine['type']>(
  lines: RecordedRunLine[],
  type: Type,
): Extract<RecordedRunLine, { type: Type }>[] {
  return lines.filter(
    (line): line is Extract<RecordedRunLine, { type: Type }> => line.type === type,
  );
}

describe('a plugin trip, ask and rewrite in a recording', () => {
  it.each([false, true])(
    'a trip ends the file with the typed error, no key in it (streaming %s)',
    async (streaming) => {
      const { lines, text } = await record(
        [turn.call('pay', { amount: 500 }), turn.text('never')],
        streaming,
      );
      const end = lines.at(-1);
      expect(end).toMatchObject({ type: 'run-end', outcome: 'error' });
      const error = (end as Extract<RecordedRunLine, { type: 'run-end' }>).error;
      expect(error?.name).toBe('GuardrailTrippedError');
      expect(error?.message).toMatch(
        /^The tool-input guardrail "limit" stopped the run: over 100 with /,
      );
      expect(text).not.toContain(KEY);
      const [call] = only(lines, 'tool-call-end');
      // The trip's own outcome (not the run's abort), as the span's error.type says it.
      expect(call).toMatchObject({ toolName: 'pay', outcome: 'guardrail-tripped' });
      expect(call?.error).toBe('pay was stopped by a guardrail (limit); the run ended.');
      // One model call: the run ended at the trip.
      expect(only(lines, 'model-call-end')).toHaveLength(1);
    },
  );

  it.each([false, true])(
    'an ask nobody approved is a denied call naming who asked (streaming %s)',
    async (streaming) => {
      const { lines } = await record(
        [turn.call('pay', { amount: 70 }), turn.text('Not paid.')],
        streaming,
      );
      const [call] = only(lines, 'tool-call-end');
      expect(call?.outcome).toBe('denied');
      expect(call?.error).toContain('"policy" asked for it');
      expect(lines.at(-1)).toMatchObject({
        type: 'run-end',
        outcome: 'success',
        text: 'Not paid.',
      });
    },
  );

  it.each([false, true])(
    "a checkAnswer rewrite is the run's text; the step keeps the model's (streaming %s)",
    async (streaming) => {
      const { lines } = await record([turn.text('Your code is 1234.')], streaming);
      const [step] = only(lines, 'step-end');
      expect(step?.text).toBe('Your code is 1234.');
      expect(lines.at(-1)).toMatchObject({
        type: 'run-end',
        outcome: 'success',
        text: 'Your code is ####.',
      });
    },
  );
});
