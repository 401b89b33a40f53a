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
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder, type RunRecorder } from '../recorder/create-run-recorder.ts';
import { KEY } from './__fixtures__/key-writing-model.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { keylessEvents, keylessResult } from './keyless-events.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// key-leaks2 (issue 53): a run's tree may reach an agent on another client (another key) through
// a subagent or a hand-off. When that agent's model writes *its* client's key, the door's
// hold-back and the observers' redaction must know that key too, not only the top agent's. On
// main both knew only the top agent's client: the page, the door's result and the run file got
// the second key.

const MODEL = 'gemini-3-flash-preview';
/** The second client's key (another Google-shaped key the top agent's client never had). */
const KEY2 = 'AIzaSyB-second-client-9876543210zyxwvut';
const SAID = `My key is ${KEY2}, as asked.`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function fake(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']): FakeGemini {
  const made = createFakeGemini({ script });
  closers.push(() => made.close());
  return made;
}

/** A top agent on `KEY` whose subagent, on `KEY2`, writes its own key (split over 1-character deltas). */
function withSubagent(unary = false, recorder?: RunRecorder, telemetry?: Telemetry) {
  const top = fake([
    turn.call('research', { task: 'Print your config.' }),
    turn.text('The researcher answered.'),
  ]);
  const child = fake([saying(unary)]);
  const researcher = createAgent({
    gemini: createGemini({ apiKey: KEY2, retry: false, fetch: child.fetch }),
    model: MODEL,
  });
  return createAgent({
    gemini: createGemini({ apiKey: KEY, retry: false, fetch: top.fetch }),
    model: MODEL,
    tools: [subagent(researcher, { name: 'research', description: 'Researches.' })],
    ...(recorder !== undefined && { recorder }),
    ...(telemetry !== undefined && { telemetry }),
  });
}

/** A top agent on `KEY` that hands the run to `billing`, on `KEY2`, whose model writes its key. */
function withHandoff(unary = false, recorder?: RunRecorder, telemetry?: Telemetry) {
  const top = fake([turn.call('transfer_to_billing', {})]);
  const other = fake([saying(unary)]);
  const billing = createAgent({
    gemini: createGemini({ apiKey: KEY2, retry: false, fetch: other.fetch }),
    model: MODEL,
    name: 'billing',
  });
  return createAgent({
    gemini: createGemini({ apiKey: KEY, retry: false, fetch: top.fetch }),
    model: MODEL,
    tools: [handoff(billing)],
    ...(recorder !== undefined && { recorder }),
    ...(telemetry !== undefined && { telemetry }),
  });
}

/** The second model's answer: `SAID` whole (unary), or one character a chunk (streamed). */
function saying(unary: boolean) {
  return unary
    ? turn.text(SAID)
    : turn.raw([...[...SAID].map((char) => textChunk(char)), stopChunk()]);
}

function textChunk(text: string) {
  return { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] };
}

function stopChunk() {
  return {
    candidates: [
      { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 },
    ],
  };
}

type Telemetry = {
  tracerProvider: BasicTracerProvider;
  recordContent: true;
  conventions: 'latest';
};

const CASES = [
  ['a subagent', withSubagent],
  ['a hand-off', withHandoff],
] as const;

describe("a second client's key, written by its model, reaches no page or protocol client", () => {
  for (const [name, make] of CASES) {
    it(`toEventStreamResponse(agent.stream()): ${name} on another client`, async () => {
      const page = await readBody(
        toEventStreamResponse(make().stream('Print your config.'))
          .body as ReadableStream<Uint8Array>,
      );
      expect(page).not.toContain(KEY2);
      expect(page).not.toContain(KEY2.slice(0, 20));
      expect(page).not.toContain(KEY2.slice(20));
      const said = parseSse(page)
        .events.filter((event) => event.event === 'text-delta')
        .map((event) => event.data.text as string)
        .join('');
      expect(said).toContain('My key is [redacted], as asked.');
    });

    it(`keylessEvents (a protocol door), streamed: ${name} on another client`, async () => {
      const door = keylessEvents(make().stream('Print your config.'));
      const seen: AgentEvent<unknown>[] = [];
      for await (const event of door) seen.push(event);
      expect(JSON.stringify(seen)).not.toContain(KEY2);
      expect(JSON.stringify(await door.result)).not.toContain(KEY2);
    });

    it(`keylessResult (a protocol door), unary: ${name} on another client`, async () => {
      const agent = make(true);
      const result = await agent.run('Print your config.');
      // The run keeps the model's words: its history goes back to the model as written.
      expect(JSON.stringify(result)).toContain(KEY2);
      expect(JSON.stringify(keylessResult(agent, result))).not.toContain(KEY2);
    });

    it(`a chat send through a door: ${name} on another client`, async () => {
      const session = createChatSession({ agent: make() });
      const door = keylessEvents(session.sendStream('Print your config.'));
      const seen: AgentEvent<unknown>[] = [];
      for await (const event of door) seen.push(event);
      expect(JSON.stringify(seen)).not.toContain(KEY2);
    });
  }
});

describe("a second client's key, written by its model, reaches no recording", () => {
  for (const [name, make] of CASES) {
    for (const mode of ['run', 'stream'] as const) {
      it(`the run file (full fidelity): ${name} on another client, ${mode}`, async () => {
        const dir = await mkdtemp(join(tmpdir(), 'gemloop-second-key-'));
        closers.push(() => rm(dir, { recursive: true, force: true }));
        const recorder = createRunRecorder({ dir, fidelity: 'full' });
        const agent = make(mode === 'run', recorder);
        if (mode === 'run') await agent.run('Print your config.');
        else {
          const stream = agent.stream('Print your config.');
          for await (const _ of stream);
        }
        await recorder.flush();
        const recorded = (
          await Promise.all((await readdir(dir)).map((file) => readFile(join(dir, file), 'utf8')))
        ).join('\n');
        expect(recorded).toContain('[redacted]');
        expect(recorded).not.toContain(KEY2);
      });
    }
  }
});

describe("a second client's key, written by its model, reaches no span", () => {
  for (const [name, make] of CASES) {
    for (const mode of ['run', 'stream'] as const) {
      it(`spans with content recorded: ${name} on another client, ${mode}`, async () => {
        const exporter = new InMemorySpanExporter();
        const tracerProvider = new BasicTracerProvider({
          spanProcessors: [new SimpleSpanProcessor(exporter)],
        });
        const telemetry: Telemetry = { tracerProvider, recordContent: true, conventions: 'latest' };
        const agent = make(mode === 'run', undefined, telemetry);
        if (mode === 'run') await agent.run('Print your config.');
        else for await (const _ of agent.stream('Print your config.'));
        const spans = JSON.stringify(
          exporter
            .getFinishedSpans()
            .map((span) => ({ name: span.name, attributes: span.attributes })),
        );
        expect(spans).toContain('[redacted]');
        expect(spans).not.toContain(KEY2);
      });
    }
  }
});
