import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import type { AgentOptions } from '@gemloop/core';
import type { FakeScript } from '@gemloop/testing';
import { agentOnFake, listenForTest } from '../../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from '../../openai/__fixtures__/serve-openai.ts';
import type { AgUiHandlerOptions } from '../ag-ui-handler-options.ts';
import { createAgUiHandler } from '../create-ag-ui-handler.ts';

/** The bearer tokens the tests' `authorize` knows, by owner (the OpenAI door's tests' keys). */
export const TOKENS = KEYS;

/**
 * An agent on the fake Gemini (in process) served by the AG-UI door on 127.0.0.1 through the
 * node adapter; closed when the test ends. `client(owner, threadId)` is `@ag-ui/client`'s
 * `HttpAgent`, `events(...)` runs it and collects every event it read.
 */
export async function serveAgUi(
  script: FakeScript,
  options: { agent?: Partial<AgentOptions<unknown>>; handler?: Partial<AgUiHandlerOptions> } = {},
) {
  const { fake, agent, errors, onError } = agentOnFake(script, options.agent);
  const handler = createAgUiHandler({
    agent,
    authorize: authorizeByKey,
    onError,
    ...options.handler,
  });
  const origin = await listenForTest(handler);
  const url = `${origin}/agent`;
  const client = (owner: keyof typeof TOKENS = 'alice', threadId?: string) =>
    new HttpAgent({
      url,
      headers: { authorization: `Bearer ${TOKENS[owner]}` },
      ...(threadId === undefined ? {} : { threadId }),
    });
  /** Sends `text` as a user message in `http`'s thread; every event read, and the run's result. */
  const events = async (http: HttpAgent, text: string) => {
    const seen: BaseEvent[] = [];
    http.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
    const run = await http.runAgent({}, { onEvent: ({ event }) => void seen.push(event) });
    return { seen, run };
  };
  /** A raw POST to the door, for what `HttpAgent` never sends. */
  const post = (body: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(url, {
      method: 'POST',
      ...(signal === undefined ? {} : { signal }),
      headers: {
        authorization: `Bearer ${TOKENS.alice}`,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });
  return { fake, agent, handler, url, client, events, post, errors };
}
