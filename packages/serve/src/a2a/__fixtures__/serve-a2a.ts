import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { type AgentOptions, defineTool } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import type { FakeTurn } from '@gemloop/testing';
import { z } from 'zod';
import { agentOnFake, listenForTest } from '../../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from '../../openai/__fixtures__/serve-openai.ts';
import type { A2AHandlerOptions } from '../a2a-handler-options.ts';
import { createA2AHandler } from '../create-a2a-handler.ts';

/** The bearer tokens the tests' `authorize` knows, by owner (the OpenAI door's tests' keys). */
export const TOKENS = KEYS;

/** A `fetch` that sends `token` as a bearer token, as an A2A client's `fetchImpl`. */
export function fetchWithToken(token: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

/**
 * An agent on the fake Gemini (in process) served by the A2A door on 127.0.0.1 through the node
 * adapter; closed when the test ends. `client(owner)` is the A2A SDK's own client, made from the
 * agent card at the well-known path.
 */
export async function serveA2A(
  script: FakeTurn[],
  options: { agent?: Partial<AgentOptions>; handler?: Partial<A2AHandlerOptions> } = {},
) {
  const { fake, agent, errors, onError } = agentOnFake(script, options.agent);
  const handler = createA2AHandler({
    agent,
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize: authorizeByKey,
    onError,
    ...options.handler,
  });
  const origin = await listenForTest(handler);
  const client = (owner: keyof typeof TOKENS = 'alice'): Promise<Client> =>
    new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithToken(TOKENS[owner]) })],
    }).createFromUrl(origin);
  /** A raw JSON-RPC POST, for what the SDK's client never sends. */
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.alice}`,
        'content-type': 'application/json',
        'a2a-version': '1.0',
        ...headers,
      },
      body,
    });
  return { fake, agent, handler, origin, client, post, errors };
}

/** A user message of text, as the SDK's `SendMessageRequest` takes it. */
export function userMessage(text: string, more: { contextId?: string; taskId?: string } = {}) {
  return {
    message: {
      messageId: crypto.randomUUID(),
      role: 1,
      parts: [{ content: { $case: 'text' as const, value: text } }],
      ...more,
    },
  };
}

/**
 * `hold_on`, which waits until `release()`: `started` resolves when the run calls it. Its
 * result is `{ released: true }`; aborted, it rejects with the run's reason.
 */
export function gateTool() {
  let onStart: () => void = () => {};
  let open: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  const released = new Promise<void>((resolve) => {
    open = resolve;
  });
  const tool = defineTool({
    name: 'hold_on',
    description: 'Waits for the test.',
    parameters: z.object({}),
    execute: async (_args, context) => {
      onStart();
      await Promise.race([
        released,
        new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () => reject(context.signal.reason)),
        ),
      ]);
      return { released: true };
    },
  });
  return { tool, started, release: open };
}

/** A tool call's context outside a run, as a test or a wrapper makes one. */
export const bareToolContext = (signal: AbortSignal = new AbortController().signal) => ({
  signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
});
