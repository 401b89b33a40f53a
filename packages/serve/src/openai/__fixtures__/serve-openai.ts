import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeTurn } from '@gemloop/testing';
import type { AgentOptions } from '@gemloop/core';
import OpenAI from 'openai';
import { onTestFinished } from 'vitest';
import { agentOnFake, ownerOfBearer } from '../../__fixtures__/order-fixtures.ts';
import { toNodeListener } from '../../node/to-node-listener.ts';
import { createOpenAIHandler } from '../create-openai-handler.ts';
import type { OpenAIHandlerOptions } from '../openai-handler-options.ts';

/** The keys the tests' `authorize` knows, by owner. */
export const KEYS = { alice: 'sk-alice-0123456789', bob: 'sk-bob-9876543210' } as const;

/** `authorize` of the tests: a known bearer key's owner, else refused. */
export function authorizeByKey(request: Request): string | null {
  return ownerOfBearer(KEYS, request);
}

/**
 * An agent on the fake Gemini (in process) served by the OpenAI door on 127.0.0.1 through the
 * node adapter; closed when the test ends. `client(owner)` is the official `openai` client.
 */
export async function serveOpenAI(
  script: FakeTurn[],
  options: {
    agent?: Partial<AgentOptions>;
    handler?: Partial<OpenAIHandlerOptions>;
  } = {},
) {
  const { fake, agent } = agentOnFake(script, options.agent);
  const errors: unknown[] = [];
  const handler = createOpenAIHandler({
    agents: { 'support-agent': agent },
    authorize: authorizeByKey,
    onError: (error) => errors.push(error),
    ...options.handler,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const client = (owner: keyof typeof KEYS = 'alice') =>
    new OpenAI({ apiKey: KEYS[owner], baseURL, maxRetries: 0, timeout: 60_000 });
  return { fake, agent, handler, baseURL, client, errors };
}
