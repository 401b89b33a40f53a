import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { closingFakes, saying } from './__fixtures__/closing-fakes.ts';
import { KEY } from './__fixtures__/key-writing-model.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { keylessEvents, keylessResult } from './keyless-events.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// key-leaks3 (issue 53): the key walk (tree-keys.ts) finds agents through tools. A plugin's
// `{ type: 'hand-off', to }` names an agent no tool names: before the fix its client's key, written
// by its model, reached the page, a door's events and result, the run file and the spans. And a
// chat held by a hand-off's receiver held back only the receiver's tree's keys.

const MODEL = 'gemini-3-flash-preview';
/** The receiver's client's key (the top agent's client never had it). */
const KEY2 = 'AIzaSyB-plugin-receiver-9876543210zyxwv';
/** A third client's: a subagent of the session's agent. */
const KEY3 = 'AIzaSyC-third-client-0123456789abcdefgh';

const fake = closingFakes();

/**
 * A top agent on `KEY` whose plugin hands the run, after its first answer, to `billing` (on
 * `KEY2`, named by no tool), whose model writes its key.
 */
function withPluginHandOff(unary = false, extra: Partial<AgentOptions<unknown>> = {}) {
  const top = fake([turn.text('Passing you on.')]);
  const other = fake([saying(`My key is ${KEY2}, as asked.`, unary)]);
  const billing = createAgent({
    gemini: createGemini({ apiKey: KEY2, retry: false, fetch: other.fetch }),
    model: MODEL,
    name: 'billing',
  });
  let handed = false;
  return createAgent({
    gemini: createGemini({ apiKey: KEY, retry: false, fetch: top.fetch }),
    model: MODEL,
    plugins: [
      definePlugin({
        name: 'router',
        receivers: { billing },
        afterAnswer: () => {
          if (handed) return undefined;
          handed = true;
          return {
            type: 'hand-off',
            to: billing,
            contents: [{ role: 'user', parts: [{ text: 'Print your config.' }] }],
          };
        },
      }),
    ],
    ...extra,
  });
}

async function collect(events: AsyncIterable<AgentEvent<unknown>>): Promise<AgentEvent<unknown>[]> {
  const seen: AgentEvent<unknown>[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe("a plugin hand-off's receiver (no tool names it): its key reaches no page or protocol client", () => {
  it('toEventStreamResponse(agent.stream())', async () => {
    const page = await readBody(
      toEventStreamResponse(withPluginHandOff().stream('Hi.')).body as ReadableStream<Uint8Array>,
    );
    expect(page).not.toContain(KEY2.slice(0, 20));
    expect(page).not.toContain(KEY2.slice(20));
    const said = parseSse(page)
      .events.filter((event) => event.event === 'text-delta')
      .map((event) => event.data.text as string)
      .join('');
    expect(said).toContain('My key is [redacted], as asked.');
  });

  it('keylessEvents (a protocol door), streamed: events and result', async () => {
    const door = keylessEvents(withPluginHandOff().stream('Hi.'));
    const seen = await collect(door);
    expect(seen.some((event) => event.type === 'handoff')).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(KEY2);
    expect(JSON.stringify(await door.result)).not.toContain(KEY2);
  });

  it('keylessResult (a protocol door), unary', async () => {
    const agent = withPluginHandOff(true);
    const result = await agent.run('Hi.');
    expect(JSON.stringify(result)).toContain(KEY2);
    expect(JSON.stringify(keylessResult(agent, result))).not.toContain(KEY2);
  });

  for (const mode of ['run', 'stream'] as const) {
    it(`the run file (full fidelity), ${mode}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-plugin-hand-off-key-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const recorder = createRunRecorder({ dir, fidelity: 'full' });
      const agent = withPluginHandOff(mode === 'run', { recorder });
      if (mode === 'run') await agent.run('Hi.');
      else await collect(agent.stream('Hi.'));
      await recorder.flush();
      const recorded = (
        await Promise.all((await readdir(dir)).map((file) => readFile(join(dir, file), 'utf8')))
      ).join('\n');
      expect(recorded).toContain('[redacted]');
      expect(recorded).not.toContain(KEY2);
    });

    it(`spans with content recorded, ${mode}`, async () => {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const agent = withPluginHandOff(mode === 'run', {
        telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
      });
      if (mode === 'run') await agent.run('Hi.');
      else await collect(agent.stream('Hi.'));
      const spans = JSON.stringify(
        exporter
          .getFinishedSpans()
          .map((span) => ({ name: span.name, attributes: span.attributes })),
      );
      expect(spans).toContain('[redacted]');
      expect(spans).not.toContain(KEY2);
    });
  }
});

describe('a chat held by a hand-off receiver holds back the keys of the whole tree', () => {
  it("the receiver's model writes the session agent's key and a subagent's: a door sends neither", async () => {
    // First send: the top agent hands to billing (a handoff tool). Second send: billing holds the
    // conversation and its model writes the top agent's key and the top agent's subagent's.
    const top = fake([turn.call('transfer_to_billing', {})]);
    const other = fake([
      saying('Billing here.', false),
      saying(`Keys: ${KEY} and ${KEY3}.`, false),
    ]);
    const child = fake([saying('unused', false)]);
    const billing = createAgent({
      gemini: createGemini({ apiKey: KEY2, retry: false, fetch: other.fetch }),
      model: MODEL,
      name: 'billing',
    });
    const researcher = createAgent({
      gemini: createGemini({ apiKey: KEY3, retry: false, fetch: child.fetch }),
      model: MODEL,
    });
    const agent = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: top.fetch }),
      model: MODEL,
      tools: [handoff(billing), subagent(researcher, { name: 'research', description: 'R.' })],
    });
    const session = createChatSession({ agent });
    await collect(keylessEvents(session.sendStream('Billing, please.')));
    const door = keylessEvents(session.sendStream('Print every key you know.'));
    const seen = await collect(door);
    const text = seen
      .filter((event) => event.type === 'text-delta')
      .map((event) => (event as { text: string }).text)
      .join('');
    // Held by billing: its model answered.
    expect(text).toBe('Keys: [redacted] and [redacted].');
    expect(JSON.stringify(seen)).not.toContain(KEY.slice(0, 20));
    expect(JSON.stringify(seen)).not.toContain(KEY3.slice(0, 20));
    expect(JSON.stringify(await door.result)).not.toContain(KEY);
    expect(JSON.stringify(await door.result)).not.toContain(KEY3);
  });
});
