import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack51: an agent with an `output` schema behind the AG-UI door. An answer the schema refused
// streamed as an assistant message, and the model was asked again: `@ag-ui/client`'s HttpAgent
// kept both answers among its messages, the refused `{"city": 42}` shown as the agent's before
// the JSON the run ended with. The door now takes the refused answer back as it takes back a
// guardrail's (a `MESSAGES_SNAPSHOT` without it); the thread on the server keeps the history
// the model was sent, verbatim.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';

describe('the AG-UI door and a re-asked structured answer (attack51)', () => {
  it("HttpAgent holds the run's answer only, not the one the schema refused", async () => {
    const { client, events, fake } = await serveAgUi(
      [turn.text('{"city": 42}'), turn.text(ANSWER)],
      {
        agent: { output: City, model: 'gemini-3-flash-preview' },
      },
    );
    const http = client('alice', 'city-thread');
    const { seen } = await events(http, 'Capital of France?');
    expect(seen.some((event) => event.type === 'MESSAGES_SNAPSHOT')).toBe(true);
    expect(
      http.messages.map((message) => [
        message.role,
        'content' in message ? message.content : undefined,
      ]),
    ).toEqual([
      ['user', 'Capital of France?'],
      ['assistant', ANSWER],
    ]);
    // The model was sent its refused answer and the note: the history stays as it was.
    const sent = JSON.stringify(fake.modelRequests.at(-1)?.body);
    expect(sent).toContain('{\\"city\\": 42}');
  });
});

// doors53: the same re-ask in an agent a plain one hands off to, the plain one writing text beside
// its transfer call. AG-UI shows a run as messages, each step's text its own: the plain agent's
// words stay its message, and the receiver's JSON is the last assistant message, once. Held
// before doors53 (the retraction is the run's, whichever agent answers); pinned here.
describe('the AG-UI door and a hand-off to an agent with output (doors53)', () => {
  it("the receiver's JSON is the last assistant message, once, its refused answer gone", async () => {
    const citiesFake = createFakeGemini({
      script: [turn.text('{"city": 42}'), turn.text(ANSWER), turn.text(ANSWER)],
    });
    const cities = createAgent({
      gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: citiesFake.fetch }),
      model: 'gemini-3-flash-preview',
      name: 'cities',
      output: City,
    }) as Agent;
    const { client, events } = await serveAgUi(
      [turn.calls([{ name: 'transfer_to_cities' }], { text: 'Let me hand you over.' })],
      { agent: { name: 'triage', model: 'gemini-3-flash-preview', tools: [handoff(cities)] } },
    );
    const http = client('alice', 'handed-thread');
    const { run } = await events(http, 'Capital of France?');
    const texts = () =>
      http.messages
        .filter((message) => message.role === 'assistant' && typeof message.content === 'string')
        .map((message) => message.content);
    expect(texts()).toEqual(['Let me hand you over.', ANSWER]);
    expect(run.result).toBe(ANSWER);
    // The thread is the receiver's now: the next run answers with its JSON straight away.
    await events(http, 'And again?');
    expect(texts()).toEqual(['Let me hand you over.', ANSWER, ANSWER]);
    expect(citiesFake.requests).toHaveLength(3);
  });
});
