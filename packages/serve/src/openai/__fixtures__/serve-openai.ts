import type { AgentOptions } from '@gemloop/core';
import type { FakeTurn } from '@gemloop/testing';
import { agentOnFake, listenForTest } from '../../door/__fixtures__/serve-door.ts';
import OpenAI from 'openai';
import { createOpenAIHandler } from '../create-openai-handler.ts';
import type { OpenAIHandlerOptions } from '../openai-handler-options.ts';

/** The keys the tests' `authorize` knows, by owner. */
export const KEYS = { alice: 'sk-alice-0123456789', bob: 'sk-bob-9876543210' } as const;

/** `authorize` of the tests: a known bearer key's owner, else refused. */
export function authorizeByKey(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  for (const [owner, key] of Object.entries(KEYS)) {
    if (header === `Bearer ${key}`) return owner;
  }
  return null;
}

/**
 * An agent on the fake Gemini (in process) served by the OpenAI door on 127.0.0.1 through the
 * node adapter; closed when the test ends. `client(owner)` is the official `openai` client.
 */
export async function serveOpenAI(
  script: FakeTurn[],
  options: {
    agent?: Partial<AgentOptions<unknown>>;
    handler?: Partial<OpenAIHandlerOptions>;
  } = {},
) {
  const { fake, agent, errors, onError } = agentOnFake(script, options.agent);
  const handler = createOpenAIHandler({
    agents: { 'support-agent': agent },
    authorize: authorizeByKey,
    onError,
    ...options.handler,
  });
  const origin = await listenForTest(handler);
  const baseURL = `${origin}/v1`;
  const client = (owner: keyof typeof KEYS = 'alice') =>
    new OpenAI({ apiKey: KEYS[owner], baseURL, maxRetries: 0, timeout: 60_000 });
  return { fake, agent, handler, baseURL, client, errors };
}

/** POSTs `body` (raw JSON text, as no client's types would let through) as alice; status and text. */
export async function postRaw(baseURL: string, path: string, body: string) {
  const response = await fetch(`${baseURL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, text: await response.text() };
}
