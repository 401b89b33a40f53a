// Issue 53 (letters45): structured output and the `thinking` option in a durable run (the README's
// rows named no D for either). The worker's agent sends its thinking level and the output schema
// on every model call, the thoughts stay in the run's history, and the result's `output` is the
// parsed JSON, as a unary run's is. One worker, no crash: what differs in a durable run is only
// where the agent runs.

import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

const ANSWER = '{"order":"7","status":"shipped"}';
let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess | undefined;
const counter = createCounter();

beforeAll(async () => {
  fake = createFakeGemini({
    script: [
      turn.call('lookup', { order: '7' }, { thoughts: 'Look the order up first.' }),
      turn.text(ANSWER, { thoughts: 'It shipped.' }),
    ],
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('output_thinking');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    EXECUTOR_ID: 'output-thinking-worker',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('structured output and thinking in a durable run', () => {
  it('parses the JSON after the tool call, sends the level and the schema on every call, keeps the thoughts', async () => {
    const { runId } = await runs.start('structuredThinking', {
      runId: 'output-thinking',
      input: 'Where is order 7?',
    });
    const result = await runs.result(runId);
    expect(result.output).toEqual({ order: '7', status: 'shipped' });
    expect(result.text).toBe(ANSWER);
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.outcome))).toEqual([
      ['success'],
      [],
    ]);
    expect(fake.modelRequests).toHaveLength(2);
    for (const request of fake.modelRequests) {
      expect((request.body as { generationConfig?: unknown }).generationConfig).toMatchObject({
        thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true },
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', required: ['order', 'status'] },
      });
    }
    const thoughts = result.contents.flatMap((content) =>
      content.parts.filter((part) => part.thought === true).map((part) => part.text),
    );
    expect(thoughts).toEqual(['Look the order up first.', 'It shipped.']);
  });
});
