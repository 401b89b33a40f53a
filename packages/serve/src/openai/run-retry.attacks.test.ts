import { createGemini, defineTool } from '@gemloop/core';
import { createMemoryHistoryStore } from '@gemloop/core/chat';
import { guardrails } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEYS, serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack21: the OpenAI door answers a run that failed with a 500, and the official clients retry a
// 500 by default (openai-node `shouldRetry`: `x-should-retry`, else 408, 409, 429 and >= 500;
// `maxRetries` 2; the Python client alike). The door's run is no idempotent lookup: the agent's
// tools ran on the server before it failed (a refund, an e-mail), and the retry ran the whole
// run again, tools and model calls, three times in all. The agent's own client already retried
// its model calls; a run that failed is not a proxy's hiccup. The door now says so
// (`x-should-retry: false`), which both clients obey, on the 500 of a failed run. The tests'
// other clients set `maxRetries: 0`, so none of them saw it.

/** A Gemini client whose every call answers `status` with Google's error body, retries off. */
function geminiAnswering(status: number, googleStatus: string, message: string) {
  return createGemini({
    apiKey: 'gemini-secret-key',
    retry: false,
    fetch: async () =>
      new Response(JSON.stringify({ error: { code: status, message, status: googleStatus } }), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  });
}

function postChat(baseURL: string) {
  return fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'support-agent', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

function refunds() {
  const done: string[] = [];
  const tool = defineTool({
    name: 'refund_order',
    description: 'Refunds an order.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      done.push(order);
      return { order, refunded: true };
    },
  });
  return { done, tool };
}

const blockCodes = guardrails({
  output: [
    {
      name: 'no-codes',
      check: ({ text }) =>
        /\d{4}-\d{4}/.test(text) ? { type: 'block', reason: 'a code' } : { type: 'pass' },
    },
  ],
});

/** Three rounds of: the refund called, then an answer the guardrail blocks. */
const script = Array.from({ length: 3 }, () => [
  turn.call('refund_order', { order: 'A-7' }),
  turn.text('Refunded; your code is 4417-9902.'),
]).flat();

describe('the OpenAI door and the official client’s retry of a failed run (attack21)', () => {
  it.each([
    ['chat.completions', false],
    ['responses', true],
  ])(
    '%s: a run that failed after its tools ran is not run again by the client',
    async (_, responsesApi) => {
      const { done, tool } = refunds();
      const { baseURL, fake } = await serveOpenAI(script, {
        agent: { tools: [tool] as never, guardrails: blockCodes },
      });
      // The client as users make it: its default retries.
      const client = new OpenAI({ apiKey: KEYS.alice, baseURL, timeout: 60_000 });
      const failed = await (responsesApi
        ? client.responses.create({ model: 'support-agent', input: 'Refund A-7.' })
        : client.chat.completions.create({
            model: 'support-agent',
            messages: [{ role: 'user', content: 'Refund A-7.' }],
          })
      ).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
      expect(done).toEqual(['A-7']);
      expect(fake.requests).toHaveLength(2);
      expect((failed as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe(
        'false',
      );
      expect(done).toEqual(['A-7']);
      expect(fake.requests).toHaveLength(2);
    },
  );

  it('a tool that failed the run (toolErrors: throw) after its side effect is not run again', async () => {
    const done: string[] = [];
    const tool = defineTool({
      name: 'refund_order',
      description: 'Refunds an order.',
      parameters: z.object({ order: z.string() }),
      execute: ({ order }) => {
        done.push(order);
        throw new Error('the ledger did not confirm');
      },
    });
    const { baseURL } = await serveOpenAI(
      Array.from({ length: 3 }, () => turn.call('refund_order', { order: 'A-7' })),
      { agent: { tools: [tool] as never, toolErrors: 'throw' } },
    );
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, timeout: 60_000 });
    const failed = await client.chat.completions
      .create({ model: 'support-agent', messages: [{ role: 'user', content: 'Refund A-7.' }] })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(done).toEqual(['A-7']);
  });

  it('a run whose first model call failed for a passing reason (a 503), before any tool, is still the client’s to retry', async () => {
    const { baseURL } = await serveOpenAI([], {
      agent: { gemini: geminiAnswering(503, 'UNAVAILABLE', 'The model is overloaded.') },
    });
    const answer = await postChat(baseURL);
    expect(answer.status).toBe(500);
    expect(answer.headers.get('x-should-retry')).toBeNull();
    await answer.text();
  });

  it.each([
    ['a model that does not exist (404)', 404, 'NOT_FOUND'],
    ['a key the API refuses (403)', 403, 'PERMISSION_DENIED'],
    ['a request the API refuses (400)', 400, 'INVALID_ARGUMENT'],
  ])(
    'a run that failed at its first model call for %s says x-should-retry: false: the same request fails the same way',
    async (_, status, googleStatus) => {
      // leftovers40: the door left these to the client, whose default (openai-node
      // `shouldRetry`: no header and >= 500) sent the request twice more for the same answer.
      const { baseURL, errors } = await serveOpenAI([], {
        agent: { gemini: geminiAnswering(status, googleStatus, 'Refused.') },
      });
      const client = new OpenAI({ apiKey: KEYS.alice, baseURL, timeout: 60_000 });
      const failed = await client.chat.completions
        .create({ model: 'support-agent', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
      expect((failed as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe(
        'false',
      );
      // Asked once: the agent's own client does not retry a 4xx either.
      expect(errors).toHaveLength(1);
    },
  );

  it('the door’s own failure (an authorize hook that throws) says x-should-retry: false', async () => {
    let calls = 0;
    const { baseURL } = await serveOpenAI([], {
      handler: {
        authorize: () => {
          calls += 1;
          throw new TypeError("Cannot read properties of undefined (reading 'get')");
        },
      },
    });
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, timeout: 60_000 });
    const failed = await client.models.list().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe(
      'false',
    );
    expect(calls).toBe(1);
  });

  it('a store that failed after the run’s tools ran (no run on the error) is not retried either', async () => {
    const { done, tool } = refunds();
    const store = createMemoryHistoryStore();
    const { baseURL } = await serveOpenAI(
      Array.from({ length: 3 }, () => [
        turn.call('refund_order', { order: 'A-7' }),
        turn.text('Refunded.'),
      ]).flat(),
      {
        agent: { tools: [tool] as never },
        handler: {
          store: {
            ...store,
            append: async () => {
              throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
            },
          },
        },
      },
    );
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, timeout: 60_000 });
    const failed = await client.responses
      .create({ model: 'support-agent', input: 'Refund A-7.', conversation: 'c1' })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(done).toEqual(['A-7']);
  });
});
