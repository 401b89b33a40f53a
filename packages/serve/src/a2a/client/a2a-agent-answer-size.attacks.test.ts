import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ResponseTooLargeError } from '@gemloop/core/errors';
import { dripResponse, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { agentOnFake, listenNodeForTest } from '../../door/__fixtures__/serve-door.ts';
import { bareToolContext } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';

// A remote A2A agent as a tool, tried from a hostile remote's side (attack-doors11): the A2A SDK
// reads a unary answer whole (`response.json()`) and bounds a stream's events but not the
// stream, and the card was fetched with the global fetch, outside the tool's own. A remote that
// answers without end now costs at most `maxResponseBytes` (16 MiB unless raised), and the call
// fails with a typed error naming the agent and the cap.

const MIB = 1024 * 1024;

type Answer = (response: ServerResponse, id: unknown, wrote: (bytes: number) => void) => void;

/** A hostile A2A agent on 127.0.0.1: its card (streaming or not), then `answer` for every call. */
async function hostile(options: { streaming: boolean; answer: Answer; card?: Answer }) {
  const seen: { method: string; headers: IncomingHttpHeaders }[] = [];
  let written = 0;
  let closed = 0;
  const wrote = (bytes: number) => {
    written += bytes;
  };
  let origin = '';
  origin = await listenNodeForTest((request, response) => {
    seen.push({ method: request.method ?? '', headers: request.headers });
    response.on('close', () => {
      closed += 1;
    });
    if (request.method === 'GET') {
      if (options.card !== undefined) {
        options.card(response, undefined, wrote);
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(cardOf(origin, options.streaming)));
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () =>
      options.answer(response, (JSON.parse(body) as { id: unknown }).id, wrote),
    );
  });
  return { origin, seen, written: () => written, closed: () => closed };
}

function cardOf(origin: string, streaming: boolean) {
  return {
    name: 'Hostile',
    description: 'Answers.',
    version: '1.0.0',
    supportedInterfaces: [
      { url: `${origin}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
    ],
    capabilities: { streaming },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
  };
}

/** A unary JSON-RPC answer: a message whose text is `bytes` of `x`. */
const unaryText =
  (bytes: number): Answer =>
  (response, id, wrote) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    dripResponse(response, {
      onWrite: wrote,
      head: `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"message":{"messageId":"m1","contextId":"c1","role":"ROLE_AGENT","parts":[{"text":"`,
      filler: 'x'.repeat(64 * 1024),
      bytes,
      tail: '"}]}}}',
    });
  };

/** A streamed answer: a task, then artifact appends of 64 KiB each up to `bytes`, then completed. */
const streamedAppends =
  (bytes: number): Answer =>
  (response, id, wrote) => {
    const event = (result: object) => `data: ${JSON.stringify({ jsonrpc: '2.0', id, result })}\n\n`;
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    dripResponse(response, {
      onWrite: wrote,
      head: event({
        task: { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_WORKING' } },
      }),
      filler: event({
        artifactUpdate: {
          taskId: 't1',
          contextId: 'c1',
          artifact: { artifactId: 'a1', parts: [{ text: 'y'.repeat(64 * 1024) }] },
          append: true,
        },
      }),
      bytes,
      tail: event({
        statusUpdate: { taskId: 't1', contextId: 'c1', status: { state: 'TASK_STATE_COMPLETED' } },
      }),
    });
  };

const call = (tool: ReturnType<typeof a2aAgent>) =>
  Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext() as never)).catch(
    (thrown: unknown) => thrown,
  );

describe('a2aAgent and a remote that answers without end', () => {
  it('a unary answer of 40 MiB: a typed error naming the agent and the 16 MiB cap, the rest unread', async () => {
    const remote = await hostile({ streaming: false, answer: unaryText(40 * MIB) });
    const error = await call(
      a2aAgent({ url: remote.origin, name: 'support', description: 'Answers.' }),
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    const tooLarge = error as ResponseTooLargeError;
    expect(tooLarge).toMatchObject({ maxBytes: 16 * MIB, method: 'a2a SendMessage', status: 200 });
    expect(tooLarge.receivedBytes).toBeGreaterThan(16 * MIB);
    expect(tooLarge.message).toContain('support');
    expect(tooLarge.message).toContain(remote.origin);
    expect(tooLarge.message).toContain('maxResponseBytes');
    // The connection was dropped at the cap: the server could not write the rest.
    await expect.poll(() => remote.closed()).toBeGreaterThan(0);
    expect(remote.written()).toBeLessThan(40 * MIB);
  });

  it('answers of 6 MiB, below the cap, come back whole: unary, and streamed in appends', async () => {
    for (const [streaming, answer] of [
      [false, unaryText(6 * MIB)],
      [true, streamedAppends(6 * MIB)],
    ] as const) {
      const remote = await hostile({ streaming, answer });
      const result = (await call(
        a2aAgent({ url: remote.origin, name: 'support', description: 'Answers.' }),
      )) as { answer: string };
      expect(result.answer, `streaming: ${streaming}`).toHaveLength(6 * MIB);
    }
  });

  it('a stream of appends without end: a typed error at the cap the user set', async () => {
    const remote = await hostile({ streaming: true, answer: streamedAppends(64 * MIB) });
    const error = await call(
      a2aAgent({
        url: remote.origin,
        name: 'support',
        description: 'Answers.',
        maxResponseBytes: MIB,
      }),
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ maxBytes: MIB, method: 'a2a SendStreamingMessage' });
    await expect.poll(() => remote.closed()).toBeGreaterThan(0);
    expect(remote.written()).toBeLessThan(64 * MIB);
  });

  it('a stream of comments that never sends an event: a typed error at the cap', async () => {
    const remote = await hostile({
      streaming: true,
      answer: (response, _id, wrote) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        dripResponse(response, {
          onWrite: wrote,
          head: '',
          filler: `: ${'z'.repeat(1024)}\n`,
          bytes: 64 * MIB,
          tail: '',
        });
      },
    });
    const error = await call(
      a2aAgent({
        url: remote.origin,
        name: 'support',
        description: 'Answers.',
        maxResponseBytes: MIB,
      }),
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(remote.written()).toBeLessThan(64 * MIB);
  });

  it('a card of 40 MiB: a typed error naming the card', async () => {
    const remote = await hostile({
      streaming: false,
      answer: unaryText(1),
      card: (response, _id, wrote) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        dripResponse(response, {
          onWrite: wrote,
          head: '{"name":"',
          filler: 'n'.repeat(64 * 1024),
          bytes: 40 * MIB,
          tail: '"}',
        });
      },
    });
    const error = await call(
      a2aAgent({ url: remote.origin, name: 'support', description: 'Answers.' }),
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ method: 'a2a agent card' });
    expect((error as Error).message).toContain('its card');
  });

  it("the card is fetched with the tool's fetch and headers, as the calls are", async () => {
    const remote = await hostile({
      streaming: false,
      answer: (response, id) => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"message":{"messageId":"m1","contextId":"c1","role":"ROLE_AGENT","parts":[{"text":"xxxxx"}]}}}`,
          );
      },
    });
    const sent: string[] = [];
    const answer = await call(
      a2aAgent({
        url: remote.origin,
        name: 'support',
        description: 'Answers.',
        headers: { authorization: 'Bearer card-token' },
        fetch: (input, init) => {
          sent.push(input instanceof Request ? input.url : String(input));
          return fetch(input, init);
        },
      }),
    );
    expect(answer).toMatchObject({ answer: 'xxxxx' });
    expect(remote.seen.map((each) => [each.method, each.headers.authorization])).toEqual([
      ['GET', 'Bearer card-token'],
      ['POST', 'Bearer card-token'],
    ]);
    expect(sent[0]).toBe(`${remote.origin}/.well-known/agent-card.json`);
  });

  it('a message whose metadata nests a million deep: the call ends, with an answer or an error', async () => {
    const remote = await hostile({
      streaming: false,
      answer: (response, id) => {
        const deep = `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`;
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"message":{"messageId":"m1","contextId":"c1","role":"ROLE_AGENT","parts":[{"text":"ok"}],"metadata":${deep}}}}`,
          );
      },
    });
    // Held: JSON.parse nests without recursion, and the SDK reads no metadata into the answer.
    const outcome = await call(
      a2aAgent({ url: remote.origin, name: 'support', description: 'Answers.' }),
    );
    expect(outcome).toEqual({ answer: 'ok', contextId: 'c1' });
  });

  it("a stream that sends nothing after its headers: the call's timeoutMs ends it and the connection", async () => {
    const remote = await hostile({
      streaming: true,
      answer: (response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.flushHeaders();
      },
    });
    const tool = a2aAgent({
      url: remote.origin,
      name: 'support',
      description: 'Answers.',
      timeoutMs: 200,
    });
    const { agent, fake } = agentOnFake(
      [turn.call('support', { task: 'Hi' }), turn.text('It did not answer.')],
      { tools: [tool] },
    );
    const result = await agent.run('Ask support.');
    expect(result.text).toBe('It did not answer.');
    // What the model was told: the call timed out (the agent's words), no answer.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain(
      'support did not finish within 200 ms and was stopped',
    );
    await expect.poll(() => remote.closed()).toBeGreaterThan(0);
  });

  it('refuses a maxResponseBytes that is not a positive whole number', () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, '16' as never]) {
      expect(() =>
        a2aAgent({
          url: 'https://remote.example',
          name: 'support',
          description: 'A.',
          maxResponseBytes,
        }),
      ).toThrow(/maxResponseBytes must be a positive whole number/);
    }
  });
});
