import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { handoff } from '@gemloop/core/composition';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import OpenAI from 'openai';
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { countingLoads } from '../door/__fixtures__/counting-loads.ts';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// leftovers66 (noticed by attack51): the door sent an `output` agent's answer as one validated
// delta only when the door's own agent had the schema. A plain agent handing off to one with
// `output` streamed the receiver's refused answer joined with its re-asked JSON
// (`{"city": 42}{"city":"Paris",…}`), which no client parses. The agent that answers decides
// (a `handoff` event on the run's stream, a conversation a hand-off gave away); a plain
// receiver's deltas still stream as they come.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';
const MODEL = 'gemini-3-flash-preview';

/** A triage agent that hands to `cities` (with `output`, or plain), served by the door. */
async function serveTriage(
  script: FakeTurn[],
  receiverOutput: boolean,
  store?: HistoryStore | undefined,
) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const cities: Agent = createAgent({
    gemini,
    model: MODEL,
    name: 'cities',
    ...(receiverOutput ? { output: City } : {}),
  }) as Agent;
  const triage: Agent = createAgent({
    gemini,
    model: MODEL,
    name: 'triage',
    tools: [handoff(cities)],
  });
  const errors: unknown[] = [];
  const handler = createOpenAIHandler({
    agents: { triage },
    authorize: () => 'alice',
    ...(store === undefined ? {} : { store }),
    onError: (error) => void errors.push(error),
  });
  const baseURL = `${await listenForTest(handler)}/v1`;
  const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout: 60_000 });
  return { fake, client, errors };
}

const reasked = (): FakeTurn[] => [
  turn.call('transfer_to_cities', {}),
  turn.text('{"city": 42}'),
  turn.text(ANSWER),
];

/** A plain answer in two chunks: streamed live, it arrives as two deltas. */
const twoChunks = (first: string, second: string): FakeTurn =>
  turn.raw([
    { candidates: [{ content: { role: 'model', parts: [{ text: first }] }, index: 0 }] },
    {
      candidates: [
        { content: { role: 'model', parts: [{ text: second }] }, finishReason: 'STOP', index: 0 },
      ],
    },
  ]);

describe('the OpenAI door, a plain agent handing off to one with output (leftovers66)', () => {
  it('Chat Completions streams the receiver’s validated JSON only, as unary answers', async () => {
    const unary = await serveTriage(reasked(), true);
    const answered = await unary.client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    expect(answered.choices[0]?.message.content).toBe(ANSWER);

    const { client, fake, errors } = await serveTriage(reasked(), true);
    const stream = await client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWER);
    expect(JSON.parse(text)).toEqual({ city: 'Paris', country: 'France' });
    // The re-ask happened: three model calls (the transfer, the refused answer, the JSON).
    expect(fake.requests).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('Responses streams deltas that join to its done text, the receiver’s JSON', async () => {
    const { client, errors } = await serveTriage(reasked(), true);
    const stream = await client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
      stream: true,
    });
    let deltas = '';
    let done: string | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.output_text.done') done = event.text;
    }
    expect(done).toBe(ANSWER);
    expect(deltas).toBe(ANSWER);
    expect(errors).toEqual([]);
  });

  it('Responses reads the agent holding a continued conversation: the receiver a hand-off kept', async () => {
    const { client, errors } = await serveTriage(
      [turn.call('transfer_to_cities', {}), turn.text(ANSWER), ...reasked().slice(1)],
      true,
    );
    const first = await client.responses.create({ model: 'triage', input: 'Capital of France?' });
    expect(first.output_text).toBe(ANSWER);
    // The next response goes to `cities` straight away (no hand-off event in its run).
    const stream = await client.responses.create({
      model: 'triage',
      input: 'And again?',
      previous_response_id: first.id,
      stream: true,
    });
    let deltas = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    expect(deltas).toBe(ANSWER);
    expect(errors).toEqual([]);
  });

  it('a plain receiver’s deltas still stream as they come, on both routes', async () => {
    const script = () => [turn.call('transfer_to_cities', {}), twoChunks('It is ', 'Paris.')];
    const chat = await serveTriage(script(), false);
    const stream = await chat.client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
    });
    const deltas: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
    }
    expect(deltas).toEqual(['It is ', 'Paris.']);

    const responses = await serveTriage(script(), false);
    const events = await responses.client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
      stream: true,
    });
    const streamed: string[] = [];
    for await (const event of events) {
      if (event.type === 'response.output_text.delta') streamed.push(event.delta);
    }
    expect(streamed).toEqual(['It is ', 'Paris.']);
  });
});

/**
 * What a streamed response sent: its deltas joined, its `output_text.done` text, and the text of
 * the message its `response.completed` holds.
 */
async function streamedAnswer(stream: AsyncIterable<ResponseStreamEvent>) {
  let deltas = '';
  let done: string | undefined;
  let completed: string | undefined;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') deltas += event.delta;
    if (event.type === 'response.output_text.done') done = event.text;
    if (event.type === 'response.completed') {
      const [message] = event.response.output;
      const [part] = message?.type === 'message' ? message.content : [];
      completed = part?.type === 'output_text' ? part.text : undefined;
    }
  }
  return { deltas, done, completed };
}

/** The text a streamed chat completion's deltas join to, for the question of these tests. */
async function streamedChat(client: OpenAI) {
  const stream = await client.chat.completions.create({
    model: 'triage',
    messages: [{ role: 'user', content: 'Capital of France?' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

/** The text a streamed response's deltas join to. */
async function streamedText(stream: AsyncIterable<ResponseStreamEvent>) {
  return (await streamedAnswer(stream)).deltas;
}

describe('the Responses door, who holds a continued conversation (leftovers67)', () => {
  it('reads the stored history once per streamed send, the send’s own read, and still finds the holder', async () => {
    const { store, loads } = countingLoads(createMemoryHistoryStore());
    const { client, errors } = await serveTriage(
      [turn.call('transfer_to_cities', {}), turn.text(ANSWER), ...reasked().slice(1)],
      true,
      store,
    );
    const first = await client.responses.create({ model: 'triage', input: 'Capital of France?' });
    expect(first.output_text).toBe(ANSWER);
    loads.length = 0;
    const stream = await client.responses.create({
      model: 'triage',
      input: 'And again?',
      previous_response_id: first.id,
      stream: true,
    });
    // `cities` holds it: its refused answer is not streamed, only its validated JSON.
    expect(await streamedText(stream)).toBe(ANSWER);
    // Read once: a second load of the whole history on every continued send found the holder.
    expect(loads).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('finds the holder of a named conversation a store kept from another door (a restart)', async () => {
    const kept = createMemoryHistoryStore();
    const before = await serveTriage(
      [turn.call('transfer_to_cities', {}), turn.text(ANSWER)],
      true,
      kept,
    );
    const first = await before.client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
      conversation: 'trip',
    });
    expect(first.output_text).toBe(ANSWER);
    // A new door on the same store: it knows no response of the conversation, the store does.
    const after = await serveTriage(reasked().slice(1), true, kept);
    const stream = await after.client.responses.create({
      model: 'triage',
      input: 'And again?',
      conversation: 'trip',
      stream: true,
    });
    expect(await streamedText(stream)).toBe(ANSWER);
    expect(after.fake.requests).toHaveLength(2);
    expect(after.errors).toEqual([]);
  });
});

/** A step of `triage` that writes text in two chunks, then calls the hand-off in the second. */
const textThenTransfer = (): FakeTurn =>
  turn.raw([
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me ask ' }] }, index: 0 }] },
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'cities.' },
              { functionCall: { name: 'transfer_to_cities', args: {} } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
    },
  ]);

describe('the OpenAI door, text written in the step that hands to an output agent (leftovers67)', () => {
  it('Chat Completions streams the receiver’s JSON alone, not the text before the call', async () => {
    const { client, fake, errors } = await serveTriage(
      [textThenTransfer(), turn.text(ANSWER)],
      true,
    );
    const text = await streamedChat(client);
    expect(JSON.parse(text)).toEqual({ city: 'Paris', country: 'France' });
    expect(text).toBe(ANSWER);
    expect(fake.requests).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('Responses streams deltas and a done text that are the receiver’s JSON alone', async () => {
    const { client, errors } = await serveTriage([textThenTransfer(), turn.text(ANSWER)], true);
    const stream = await client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
      stream: true,
    });
    expect(await streamedAnswer(stream)).toEqual({
      deltas: ANSWER,
      done: ANSWER,
      completed: ANSWER,
    });
    expect(errors).toEqual([]);
  });

  it('an agent that could hand to an output agent but answers itself still sends all its text', async () => {
    const script = () => [twoChunks('It is ', 'Paris.')];
    const chat = await serveTriage(script(), true);
    expect(await streamedChat(chat.client)).toBe('It is Paris.');

    const responses = await serveTriage(script(), true);
    const events = await responses.client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
      stream: true,
    });
    expect(await streamedAnswer(events)).toEqual({
      deltas: 'It is Paris.',
      done: 'It is Paris.',
      completed: 'It is Paris.',
    });
  });

  it('Responses gives the receiver’s JSON as the one message item, unary and streamed alike', async () => {
    const unary = await serveTriage([textThenTransfer(), turn.text(ANSWER)], true);
    const answered = await unary.client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
    });
    const served = await serveTriage([textThenTransfer(), turn.text(ANSWER)], true);
    const final = await served.client.responses
      .stream({ model: 'triage', input: 'Capital of France?' })
      .finalResponse();
    for (const response of [answered, final]) {
      expect(response.output).toHaveLength(1);
      expect(response.output_text).toBe(ANSWER);
    }
  });
});

describe('the OpenAI door, text written in the step that hands to a plain agent (responses67)', () => {
  // Each step's text is a message item of its own on Responses (message-items.ts): the text
  // before the call is the first, the receiver's answer the second, streamed and unary alike.
  it('Responses gives each agent’s text its own message item, unary and streamed alike', async () => {
    // One chunk: a unary call of the fake answers a script's last chunk only.
    const script = () => [
      turn.parts([
        { text: 'Let me ask cities.' },
        { functionCall: { name: 'transfer_to_cities', args: {} } },
      ]),
      turn.text('It is Paris.'),
    ];
    const unary = await serveTriage(script(), false);
    const answered = await unary.client.responses.create({
      model: 'triage',
      input: 'Capital of France?',
    });
    const served = await serveTriage(script(), false);
    const stream = served.client.responses.stream({ model: 'triage', input: 'Capital of France?' });
    const done: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.output_text.done') done.push(event.text);
    }
    const final = await stream.finalResponse();
    const texts = (response: Response) =>
      response.output.map((item) =>
        item.type === 'message' && item.content[0]?.type === 'output_text'
          ? item.content[0].text
          : item.type,
      );
    expect(done).toEqual(['Let me ask cities.', 'It is Paris.']);
    expect(texts(final)).toEqual(done);
    expect(texts(answered)).toEqual(done);
    expect(answered.output_text).toBe('Let me ask cities.It is Paris.');
    expect(unary.errors).toEqual([]);
    expect(served.errors).toEqual([]);
  });
});
