import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contentsOf } from '../__fixtures__/order-fixtures.ts';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// attack-doors10: a response that fails must leave its conversation as it was. OpenAI adds a
// response's input items to its conversation "after this response completes"
// (https://platform.openai.com/docs/api-reference/responses/create, `conversation`), and a gemloop
// chat session saves nothing of a send that throws. The door stored the items before the last
// (`input: [earlier..., last]`) ahead of the run, so a failed run kept them: the official client,
// which retries a 500 on its own, then put them into the conversation twice, and a retry loop of
// a client made the conversation grow by a body's worth a request, whatever the model said.
// And a response made with `store: false` (never retrievable nor continued) still left its turns
// where a continuation of the response before it picked them up.

const model = 'support-agent';

/** The fake Gemini behind a gateway that answers the model calls numbered in `failing` 500. */
function flakyGateway(script: FakeTurn[], failing: number[]) {
  const fake = createFakeGemini({ script });
  let calls = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls += 1;
    if (failing.includes(calls)) {
      return new Response(
        JSON.stringify({ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }),
        { status: 500, headers: { 'content-type': 'application/json' } },
      );
    }
    return fake.fetch(input, init);
  };
  return { fake, fetch, calls: () => calls };
}

async function serveFlaky(failing: number[]) {
  const answers = ['Answer one.', 'Answer two.', 'Answer three.'].map((text) => turn.text(text));
  const gateway = flakyGateway(answers, failing);
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: gateway.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const handler = createOpenAIHandler({
    agents: { [model]: agent },
    authorize: authorizeByKey,
    onError: (error) => errors.push(error),
  });
  const baseURL = `${await listenForTest(handler)}/v1`;
  return { ...gateway, baseURL, errors };
}

const INPUT = [
  { role: 'user' as const, content: 'EARLIER-QUESTION' },
  { role: 'assistant' as const, content: 'EARLIER-ANSWER' },
  { role: 'user' as const, content: 'Now this.' },
];

describe('what a response that failed or was not stored leaves in its conversation (attack-doors10)', () => {
  it("the official client's own retry of a 500 sends the earlier items once", async () => {
    const { fake, baseURL, calls } = await serveFlaky([1]);
    // The client's default is 2 retries; one is enough to show it.
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 1, timeout: 60_000 });
    const response = await client.responses.create({
      model,
      input: INPUT,
      conversation: 'retried',
    });
    expect(response.output_text).toBe('Answer one.');
    expect(calls()).toBe(2);
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: EARLIER-QUESTION',
      'model: EARLIER-ANSWER',
      'user: Now this.',
    ]);
  });

  for (const stream of [false, true]) {
    it(`a failed response leaves the conversation as it was, for its next response (${stream ? 'streamed' : 'unary'})`, async () => {
      const { fake, baseURL } = await serveFlaky([1]);
      const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 0, timeout: 60_000 });
      const failed = stream
        ? (async () => {
            const events = await client.responses.create({
              model,
              input: INPUT,
              conversation: 'kept',
              stream: true,
            });
            for await (const event of events) {
              if (event.type === 'response.failed') throw new Error('response.failed');
            }
          })()
        : client.responses.create({ model, input: INPUT, conversation: 'kept' });
      await expect(failed).rejects.toThrow();
      await client.responses.create({ model, input: 'Second.', conversation: 'kept' });
      expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: Second.']);
    });
  }

  it('continuing a response whose next one failed sends what that response had, nothing of the failure', async () => {
    // Call 1 answers the first response, call 2 (its continuation) fails, call 3 answers.
    const { fake, baseURL } = await serveFlaky([2]);
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 0, timeout: 60_000 });
    const first = await client.responses.create({ model, input: 'First.' });
    await expect(
      client.responses.create({ model, input: INPUT, previous_response_id: first.id }),
    ).rejects.toThrow();
    await client.responses.create({ model, input: 'Again.', previous_response_id: first.id });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: First.',
      'model: Answer one.',
      'user: Again.',
    ]);
  });

  it('a response made with store: false is no part of the chain: continuing the response before it sends neither of its turns', async () => {
    const { fake, baseURL } = await serveFlaky([]);
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 0, timeout: 60_000 });
    const first = await client.responses.create({ model, input: 'First.' });
    const unstored = await client.responses.create({
      model,
      input: 'NOT-STORED',
      previous_response_id: first.id,
      store: false,
    });
    expect(unstored.output_text).toBe('Answer two.');
    // Its id is unknown (OpenAI: "store: false" responses cannot be retrieved or continued) ...
    await expect(
      client.responses.create({ model, input: 'x', previous_response_id: unstored.id }),
    ).rejects.toMatchObject({ status: 404 });
    // ... and the response it continued goes on from its own end.
    await client.responses.create({ model, input: 'Again.', previous_response_id: first.id });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: First.',
      'model: Answer one.',
      'user: Again.',
    ]);
  });

  it('a client gone mid-tool-call, the tool deaf to its signal: the conversation is free again, and keeps nothing of it', async () => {
    let started: () => void = () => {};
    const toolStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const deaf = defineTool({
      name: 'deaf',
      description: 'Never settles and ignores its signal.',
      parameters: z.object({}),
      execute: () => {
        started();
        return new Promise<never>(() => {});
      },
    });
    const fake = createFakeGemini({ script: [turn.call('deaf', {}), turn.text('Later.')] });
    const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [deaf] });
    const handler = createOpenAIHandler({ agents: { [model]: agent }, authorize: authorizeByKey });
    const baseURL = `${await listenForTest(handler)}/v1`;
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 0, timeout: 60_000 });
    const gone = new AbortController();
    const first = client.responses
      .create({ model, input: INPUT, conversation: 'c', stream: true }, { signal: gone.signal })
      .then(async (events) => {
        for await (const _ of events);
      })
      // The openai client's stream ends quietly or throws on an abort, by timing: either way.
      .catch(() => undefined);
    await toolStarted;
    gone.abort();
    await first;
    // The door frees the conversation when the aborted run settles; until then a send is 409
    // (conversation_locked), which the client is told to retry. Polled, not timed: the test's
    // own limit is the hang guard.
    for (;;) {
      try {
        const next = await client.responses.create({ model, input: 'Next.', conversation: 'c' });
        expect(next.output_text).toBe('Later.');
        break;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('conversation_locked');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: Next.']);
  }, 60_000);
});
