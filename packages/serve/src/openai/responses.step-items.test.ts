import { defineTool } from '@gemloop/core';
import { guardrails, type OutputGuardrail } from '@gemloop/core/guardrails';
import { type FakeTurn, turn } from '@gemloop/testing';
import type OpenAI from 'openai';
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contentsOf } from '../__fixtures__/order-fixtures.ts';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// A run whose first step writes text before a tool call ("Let me check." + a call, then "It is
// sunny."): OpenAI's Responses API gives a turn of several outputs as several `output` items, each
// message its own `output_item.added` … `output_item.done` at its `output_index`, and the `openai`
// client's `output_text` joins the text of every message item (openai-node 6.49.0,
// `lib/ResponsesParser.js` `addOutputText`). The door streamed both steps' text as deltas of one
// item while its `output_text.done`, the completed response and the unary answer held the last
// step's only: the joined deltas differed from the `done` text, and the stream from the unary
// answer (openai67, noticed). Each step's text is now its own message item, streamed and unary.

const model = 'support-agent';

const weather = defineTool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: () => ({ sky: 'sunny' }),
});

const twoSteps = (): FakeTurn[] => [
  turn.parts([
    { text: 'Let me check.' },
    { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
  ]),
  turn.text('It is sunny.'),
];

/** The message items' ids and texts, as a client reads them. */
const messages = (response: Response) =>
  response.output.map((item) => {
    if (item.type !== 'message') throw new Error(`unexpected output item ${item.type}`);
    return {
      id: item.id,
      text: item.content.map((part) => (part.type === 'output_text' ? part.text : '')).join(''),
    };
  });

/** Streams a response, and reads its events and final response as the `openai` client gives them. */
async function streamed(openai: OpenAI, input: string) {
  const stream = openai.responses.stream({ model, input });
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, final: await stream.finalResponse() };
}

/** Per item id: the joined deltas and the `output_text.done` text, in the order items were added. */
function itemsOf(events: ResponseStreamEvent[]) {
  const items = new Map<
    string,
    { index: number; deltas: string; done?: string; closed: boolean }
  >();
  for (const event of events) {
    if (event.type === 'response.output_item.added') {
      items.set(event.item.id as string, { index: event.output_index, deltas: '', closed: false });
    } else if (event.type === 'response.output_text.delta') {
      const item = items.get(event.item_id);
      expect(item?.closed, 'a delta inside its open item').toBe(false);
      if (item !== undefined) item.deltas += event.delta;
    } else if (event.type === 'response.output_text.done') {
      const item = items.get(event.item_id);
      if (item !== undefined) item.done = event.text;
    } else if (event.type === 'response.output_item.done') {
      const item = items.get(event.item.id as string);
      if (item !== undefined) item.closed = true;
    }
  }
  return [...items.entries()].map(([id, item]) => ({ id, ...item }));
}

describe('a Responses run that writes text in more than one step', () => {
  it('unary and retrieved: each step its own message item, output_text joining them', async () => {
    const { client } = await serveOpenAI(twoSteps(), { agent: { tools: [weather] } });
    const openai = client();
    const unary = await openai.responses.create({ model, input: 'Weather in Paris?' });
    expect(messages(unary).map((item) => item.text)).toEqual(['Let me check.', 'It is sunny.']);
    expect(unary.output_text).toBe('Let me check.It is sunny.');
    const ids = messages(unary).map((item) => item.id);
    expect(new Set(ids).size).toBe(2);
    const kept = await openai.responses.retrieve(unary.id);
    expect(messages(kept)).toEqual(messages(unary));
  });

  it('streamed: each item its own events, its deltas its done text, the same items as the completed response', async () => {
    const { client } = await serveOpenAI(twoSteps(), { agent: { tools: [weather] } });
    const openai = client();
    const { events, final } = await streamed(openai, 'Weather in Paris?');
    const items = itemsOf(events);
    expect(items.map((item) => item.index)).toEqual([0, 1]);
    for (const item of items) {
      expect(item.closed).toBe(true);
      expect(item.deltas).toBe(item.done);
    }
    expect(items.map((item) => item.deltas)).toEqual(['Let me check.', 'It is sunny.']);
    // The completed response holds the same items, by id, as the stream's events named them.
    expect(messages(final)).toEqual(items.map(({ id, done }) => ({ id, text: done })));
    const completed = events.find((event) => event.type === 'response.completed');
    expect(completed?.type === 'response.completed' && messages(completed.response)).toEqual(
      messages(final),
    );
    const joined = events
      .map((event) => (event.type === 'response.output_text.delta' ? event.delta : ''))
      .join('');
    expect(final.output_text).toBe(joined);
    expect(messages(await openai.responses.retrieve(final.id))).toEqual(messages(final));
  });

  it('a one-step answer is still one message item at output_index 0', async () => {
    const { client } = await serveOpenAI([turn.text('Hello.'), turn.text('Hello.')]);
    const openai = client();
    const unary = await openai.responses.create({ model, input: 'Hi' });
    expect(messages(unary).map((item) => item.text)).toEqual(['Hello.']);
    const { events, final } = await streamed(openai, 'Hi');
    expect(itemsOf(events).map(({ index, deltas, done }) => ({ index, deltas, done }))).toEqual([
      { index: 0, deltas: 'Hello.', done: 'Hello.' },
    ]);
    expect(final.output_text).toBe('Hello.');
  });

  it('continued: the next turn reads both steps, and its response holds its own items only', async () => {
    const { client, fake } = await serveOpenAI([...twoSteps(), turn.text('Still sunny.')], {
      agent: { tools: [weather] },
    });
    const openai = client();
    const first = await openai.responses.create({ model, input: 'Weather in Paris?' });
    const next = await openai.responses.create({
      model,
      input: 'And now?',
      previous_response_id: first.id,
    });
    expect(messages(next).map((item) => item.text)).toEqual(['Still sunny.']);
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: Weather in Paris?',
      'model: Let me check.[call]',
      'user: [call]',
      'model: It is sunny.',
      'user: And now?',
    ]);
  });

  it('cut at the token limit in its last step: the steps before it completed, the answer incomplete', async () => {
    const script = (): FakeTurn[] => [twoSteps()[0] as FakeTurn, turn.maxTokens('It is su')];
    const unary = await serveOpenAI(script(), { agent: { tools: [weather] } });
    const answered = await unary.client().responses.create({ model, input: 'Weather?' });
    expect(answered.status).toBe('incomplete');
    const statuses = (response: Response) =>
      response.output.map((item, index) => [
        item.type === 'message' && item.status,
        messages(response)[index]?.text,
      ]);
    expect(statuses(answered)).toEqual([
      ['completed', 'Let me check.'],
      ['incomplete', 'It is su'],
    ]);
    const served = await serveOpenAI(script(), { agent: { tools: [weather] } });
    const { events, final } = await streamed(served.client(), 'Weather?');
    expect(events.at(-1)?.type).toBe('response.incomplete');
    expect(statuses(final)).toEqual(statuses(answered));
    expect(itemsOf(events).map(({ deltas, done }) => [deltas, done])).toEqual([
      ['Let me check.', 'Let me check.'],
      ['It is su', 'It is su'],
    ]);
  });

  it("a step's text holding the server's Gemini key reaches the caller without it, unary and streamed", async () => {
    const leaky = (): FakeTurn[] => [
      turn.parts([
        { text: 'Using key gemini-secret-key now.' },
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
      ]),
      turn.text('It is sunny.'),
    ];
    const unary = await serveOpenAI(leaky(), { agent: { tools: [weather] } });
    const answered = await unary.client().responses.create({ model, input: 'Weather?' });
    expect(answered.output).toHaveLength(2);
    expect(JSON.stringify(answered)).not.toContain('gemini-secret-key');
    const served = await serveOpenAI(leaky(), { agent: { tools: [weather] } });
    const { events } = await streamed(served.client(), 'Weather?');
    expect(JSON.stringify(events)).not.toContain('gemini-secret-key');
  });
});

/** Rewrites "sunny" in the answer, as an output guardrail that redacts. */
const redactSky: OutputGuardrail = {
  name: 'redact-sky',
  check: ({ text }) =>
    text.includes('sunny')
      ? { type: 'rewrite', text: text.replace('sunny', '[sky]') }
      : { type: 'pass' },
};

/** The two-step run under `output` guardrails, answered unary and streamed (each on its own fake). */
async function bothWays(options: { holdBack?: boolean }) {
  const agent = { tools: [weather], guardrails: guardrails({ output: [redactSky], ...options }) };
  const unary = await serveOpenAI(twoSteps(), { agent });
  const answered = await unary.client().responses.create({ model, input: 'Weather?' });
  const served = await serveOpenAI(twoSteps(), { agent });
  return { answered, ...(await streamed(served.client(), 'Weather?')) };
}

describe('a multi-step Responses run under an output guardrail', () => {
  it('holdBack: the stream shows the judged answer only, and so does the unary answer', async () => {
    const { answered, events, final } = await bothWays({ holdBack: true });
    // The tool loop's text is never streamed with holdBack: no output guardrail judges it.
    expect(itemsOf(events).map(({ deltas, done }) => [deltas, done])).toEqual([
      ['It is [sky].', 'It is [sky].'],
    ]);
    expect(messages(final).map((item) => item.text)).toEqual(['It is [sky].']);
    expect(messages(answered).map((item) => item.text)).toEqual(['It is [sky].']);
    expect(answered.output_text).toBe(final.output_text);
  });

  it('no holdBack: the earlier step streamed as it came, the answer settled on the rewrite, unary alike', async () => {
    const { answered, events, final } = await bothWays({});
    // OpenAI's streams cannot take text back: the rewritten answer's deltas stay sent, its done
    // text is the rewrite (docs/serving-openai-compatible.md, Guardrails).
    expect(itemsOf(events).map(({ deltas, done }) => [deltas, done])).toEqual([
      ['Let me check.', 'Let me check.'],
      ['It is sunny.', 'It is [sky].'],
    ]);
    expect(messages(final).map((item) => item.text)).toEqual(['Let me check.', 'It is [sky].']);
    expect(messages(answered).map((item) => item.text)).toEqual(
      messages(final).map((item) => item.text),
    );
  });
});
