import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BatchRunsState } from '../../batch/batch-runs.ts';
import { createBatchRuns } from '../../batch/create-batch-runs.ts';
import { createBatches } from '../../http/batches/create-batches.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../define/define-tool.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

// Batch runs parse the model's arguments themselves, between rounds, with no agent run awaiting
// the pattern analysis: a runner made in a new process (tools just defined) collects a pending
// round at once, and must wait for the analysis as a run's first step does.

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const script: FakeScriptFunction = (_request, { functionResponses }) =>
  functionResponses.length === 0
    ? turn.call('send_mail', { to: 'ada@example.com' })
    : turn.text('Sent.');

async function start() {
  fake = createFakeGemini({ script });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  return Object.assign(gemini, { batches: createBatches(gemini) });
}

const sendMail = (sent: string[], to: z.ZodString | z.ZodEmail) =>
  defineTool({
    name: 'send_mail',
    description: 'Sends a mail.',
    parameters: z.object({ to }),
    execute: ({ to }) => {
      sent.push(to);
      return { sent: to };
    },
  });

describe('batch runs with a tool whose schema has a pattern', () => {
  it('run the tool when the pattern is safe, in a runner made just before it collects', async () => {
    const gemini = await start();
    const sent: string[] = [];
    // The first round sent with a tool without a pattern: this file has not loaded the analysis.
    const first = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [sendMail(sent, z.string())],
      pollIntervalMs: 0,
    });
    const saved = JSON.stringify(await first.step(first.start(['Mail Ada.'])));
    // A new process: the tool defined (zod 4's e-mail format writes a `pattern`), the runner
    // made, the pending round collected at once while the analysis loads.
    const second = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [sendMail(sent, z.email())],
      pollIntervalMs: 0,
    });
    const collected = await second.step(JSON.parse(saved) as BatchRunsState);
    expect(collected.runs[0]?.contents.at(-1)?.parts).toEqual([
      { functionResponse: { name: 'send_mail', response: { sent: 'ada@example.com' } } },
    ]);
    expect(sent).toEqual(['ada@example.com']);
  });

  it('refuse a tool whose pattern can backtrack super-linearly before the first batch', async () => {
    const gemini = await start();
    let executed = 0;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: z.object({ code: z.string().regex(/^(a+)+$/) }),
      execute: () => {
        executed += 1;
        return {};
      },
    });
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [lookup],
      pollIntervalMs: 0,
    });
    const failure = await runs.step(runs.start(['Look aaa up.'])).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UnsafePatternError);
    expect(failure).toMatchObject({ toolName: 'lookup', path: 'properties.code.pattern' });
    expect(fake?.requests).toEqual([]);
    expect(executed).toBe(0);
  });
});
