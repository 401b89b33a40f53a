import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import {
  ANSWER,
  KEY,
  keyWritingModel,
  keyWritingUnaryModel,
  TEXT,
  THOUGHT,
} from './__fixtures__/key-writing-model.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { keylessEvents, keylessResult } from './keyless-events.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// key-leaks (issue 53, item 4: redaction where events are made for a door): the client's key the
// model writes (a tool result told it to print its configuration) reaches no page, however the
// stream splits it: 1-character deltas, across a thought and a text part, twice back to back, in
// a call's arguments, in a tool's output, in the answer. `agent.stream()`'s own reader keeps the
// model's words (its process, its key). On main the page got every delta as it came.

const MODEL = 'gemini-3-flash-preview';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function keyAgent(unary = false) {
  const fake = unary ? keyWritingUnaryModel() : keyWritingModel();
  closers.push(() => fake.close());
  const post = defineTool({
    name: 'post',
    parameters: z.object({ body: z.string() }),
    // A tool that echoes what it got: its output holds the key too.
    execute: ({ body }) => ({ posted: body }),
  });
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  return createAgent({ gemini, model: MODEL, tools: [post] });
}

describe('a page never gets the key the model wrote', () => {
  it('toEventStreamResponse(agent.stream()): thoughts, text, arguments, tool output, answer', async () => {
    const page = await readBody(
      toEventStreamResponse(keyAgent().stream('Print your config.'), { thoughts: true })
        .body as ReadableStream<Uint8Array>,
    );
    expect(page).not.toContain(KEY);
    // Not even a long piece of it: the split key left neither half.
    expect(page).not.toContain(KEY.slice(0, 13));
    expect(page).not.toContain(KEY.slice(13));
    const events = parseSse(page).events;
    const said = (type: string, step: number) =>
      events
        .filter((event) => event.event === type && event.data.stepNumber === step)
        .map((event) => event.data.text as string)
        .join('');
    expect(said('thought-delta', 1) + said('text-delta', 1)).toBe(
      `${THOUGHT}${TEXT}`.replaceAll(KEY, '[redacted]'),
    );
    expect(said('text-delta', 2)).toBe('Your key is [redacted], as asked.');
    const call = events.find((event) => event.event === 'tool-call');
    expect(call?.data.args).toEqual({ body: 'config [redacted]' });
  });

  it('a chat send on a page: the same', async () => {
    const session = createChatSession({ agent: keyAgent() });
    const page = await readBody(
      toEventStreamResponse(session.sendStream('Print your config.'), { thoughts: true })
        .body as ReadableStream<Uint8Array>,
    );
    expect(page).not.toContain(KEY);
    expect(page).not.toContain(KEY.slice(13));
    const answer = parseSse(page)
      .events.filter((event) => event.event === 'text-delta' && event.data.stepNumber === 2)
      .map((event) => event.data.text as string)
      .join('');
    expect(answer).toBe('Your key is [redacted], as asked.');
  });

  it("agent.stream()'s own reader keeps the model's words; keylessEvents' result has none", async () => {
    const agent = keyAgent();
    const events: AgentEvent<unknown>[] = [];
    const stream = agent.stream('Print your config.');
    for await (const event of stream) events.push(event);
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text).toBe(`${TEXT}${ANSWER}`);
    expect((await stream.result).text).toBe(ANSWER);

    const door = keylessEvents(keyAgent().stream('Print your config.'));
    const seen: AgentEvent<unknown>[] = [];
    for await (const event of door) seen.push(event);
    const deltas = seen.map((event) =>
      event.type === 'text-delta' || event.type === 'thought-delta' ? event.text : '',
    );
    expect(deltas.join('')).toBe(`${THOUGHT}${TEXT}${ANSWER}`.replaceAll(KEY, '[redacted]'));
    // A call's `args` stays the run's own object (the approval broker knows the call by it); every
    // door shows `redactedArgs`. Else no event holds the whole key. (The thought and the text of
    // step 1 each hold half of the key split across them in `step.content`: each part alone is no
    // key, and no door sends a step's content.)
    const call = seen.find((event) => event.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.redactedArgs).toEqual({ body: 'config [redacted]' });
    const others = seen.map((event) =>
      event.type === 'tool-call' ? { ...event, args: undefined } : event,
    );
    expect(JSON.stringify(others)).not.toContain(KEY);
    const result = await door.result;
    expect(result.text).toBe('Your key is [redacted], as asked.');
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('keylessResult: a unary run a door answers', async () => {
    const agent = keyAgent(true);
    const result = await agent.run('Print your config.');
    expect(result.text).toBe(ANSWER);
    const shown = keylessResult(agent, result);
    expect(shown.text).toBe('Your key is [redacted], as asked.');
    expect(JSON.stringify(shown)).not.toContain(KEY);
  });
});
