import type { RequestListener } from 'node:http';
import { type Agent, type AgentOptions, createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeScript, listenOnLoopback } from '@gemloop/testing';
import { onTestFinished } from 'vitest';
import { toNodeListener } from '../../node/to-node-listener.ts';

/** An agent on the fake Gemini (in process), and the errors a door's `onError` gets. */
export function agentOnFake(script: FakeScript, options: Partial<AgentOptions> = {}) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent: Agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    ...options,
  } as AgentOptions);
  const errors: unknown[] = [];
  return { fake, agent, errors, onError: (error: unknown) => void errors.push(error) };
}

/** A door's handler on 127.0.0.1 through the node adapter, closed when the test ends. */
export function listenForTest(handler: (request: Request) => Promise<Response>) {
  return listenNodeForTest(toNodeListener(handler));
}

/** A `node:http` request listener (an express app too) on 127.0.0.1, closed when the test ends. */
export async function listenNodeForTest(listener: RequestListener): Promise<string> {
  const server = await listenOnLoopback(listener);
  onTestFinished(() => server.close());
  return server.url;
}
