import type { RequestListener } from 'node:http';
import { type Agent, type AgentOptions, createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeScript, listenOnLoopback } from '@gemloop/testing';
import { onTestFinished } from 'vitest';
import { toNodeListener } from '../../node/to-node-listener.ts';

/** An agent on the fake Gemini (in process), and the errors a door's `onError` gets. */
export function agentOnFake(script: FakeScript, options: Partial<AgentOptions<unknown>> = {}) {
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

/** A random id as the doors and the A2A SDK make them: a UUID, with its dashes or without. */
const RANDOM_ID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

/**
 * `text` with every random id replaced by `<id>`, for a test that says a secret's digits reach
 * no client: a task, a response or a message list holds ids made by `crypto.randomUUID()`, and a
 * four-digit string is inside one of three such ids about once in 700 (a2a-guardrail-retraction
 * failed so on "4417" under load, a2a-outside on "4321"; bench/RESULTS.md, flaky35).
 */
export function withoutRandomIds(text: string): string {
  return text.replace(RANDOM_ID, '<id>');
}
