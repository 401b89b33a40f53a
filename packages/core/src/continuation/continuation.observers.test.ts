// A long-decode step as the spans, the run recorder and a chat session see it, against the fake's
// turn.continued (hand-written, see packages/testing/src/replies/fake-continuation.ts).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const story = () =>
  turn.continued([turn.text('One, '), turn.text('two, '), turn.text('three.')], {
    checkpoints: true,
  });

async function setup(script: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini({ strictHistory: true, chunkSize: 4, ...script });
  fakes.push(fake);
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-continuation-'));
  dirs.push(dir);
  return { fake, dir, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

describe('a continued step in the observers', () => {
  it('is one generate_content span with an event per hop and the continuation attributes', async () => {
    const { gemini } = await setup({ script: [story()] });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    await createAgent({ gemini, model: MODEL, telemetry: { tracerProvider } }).run('Count.');
    const calls = exporter.getFinishedSpans().filter((span) => span.name.startsWith('generate'));
    expect(calls).toHaveLength(1);
    const span = calls[0];
    expect(span?.events.map((event) => event.attributes?.['gemloop.continuation.kind'])).toEqual([
      'continue',
      'continue',
    ]);
    expect(span?.attributes['gemloop.continuation.hops']).toBe(3);
    expect(span?.attributes['gemloop.continuation.restarted']).toBe(false);
    expect(span?.attributes['gemloop.continuation.first_prompt_tokens']).toBeGreaterThan(0);
  });

  it('is recorded: a continuation line per hop, and the hops on the step-end line', async () => {
    const { gemini, dir } = await setup({
      script: [story()],
      faults: [{ fault: { type: 'connection-reset', afterChunks: 1 }, on: 0 }],
    });
    const recorder = createRunRecorder({ dir });
    const run = createAgent({ gemini, model: MODEL, recorder, telemetry: false }).stream('Count.');
    for await (const _ of run);
    await run.result;
    await recorder.flush();
    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const hops = lines.flatMap((line) => (line.type === 'continuation' ? [line] : []));
    expect(hops.map((line) => [line.kind, line.hop])).toEqual([
      ['resume', 1],
      ['continue', 2],
      ['continue', 3],
    ]);
    const stepEnd = lines.find((line) => line.type === 'step-end');
    expect(stepEnd?.type === 'step-end' && stepEnd.continuation).toMatchObject({
      hops: 3,
      reconnects: 1,
      restarted: false,
    });
    expect(stepEnd?.type === 'step-end' && stepEnd.continuation?.hopTokens).toHaveLength(3);
  });

  it('keeps the continued turn in a chat on a file store, reloaded', async () => {
    const { fake, dir } = await setup({ script: [story(), turn.text('Four.')] });
    const gemini = createGemini({ baseUrl: fake.url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: MODEL });
    const store = createFileHistoryStore({ directory: dir });
    const first = await createChatSession({ agent, store, id: 'count' }).send('Count.');
    expect(first.text).toBe('One, two, three.');
    // A new session on the same store sends the stored history back, through the strict fake.
    const again = await createChatSession({ agent, store, id: 'count' }).sendStream('And then?')
      .result;
    expect(again.text).toBe('Four.');
    const sent = fake.modelRequests.at(-1)?.body as { contents: { role: string }[] };
    expect(sent.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
  });
});
