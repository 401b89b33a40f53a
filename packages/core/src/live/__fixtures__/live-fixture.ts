import { createFakeLive, type CreateFakeLiveOptions, type FakeLive } from '@gemloop/testing/live';
import { onTestFinished } from 'vitest';
import { createAgent } from '../../agent/create-agent.ts';
import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { createGemini } from '../../http/create-gemini.ts';
import type { LiveEvent } from '../live-event.ts';

/** A fake Live server, closed when the test ends, and an agent whose client points at it. */
export async function liveFixture(
  fakeOptions: CreateFakeLiveOptions,
  agentOptions: Partial<AgentOptions<undefined>> = {},
  apiKey = 'test-key',
) {
  const fake = await createFakeLive(fakeOptions);
  onTestFinished(() => fake.close());
  const gemini = createGemini({ apiKey: agentOptions.gemini === undefined ? apiKey : 'unused', baseUrl: fake.url, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-live-test', ...agentOptions });
  return { fake, agent };
}

/** Reads events from `events` until `until` holds for one (included), and returns them. */
export async function readUntil(
  iterator: AsyncIterator<LiveEvent>,
  until: (event: LiveEvent) => boolean,
): Promise<LiveEvent[]> {
  const seen: LiveEvent[] = [];
  while (true) {
    const next = await iterator.next();
    if (next.done === true) throw new Error(`the session ended before the awaited event; saw ${JSON.stringify(seen)}`);
    seen.push(next.value);
    if (until(next.value)) return seen;
  }
}

/** The client messages the fake got on connection `index`, of one kind. */
export function messagesOf(fake: FakeLive, index: number, kind: string): Record<string, unknown>[] {
  return (fake.connections[index]?.messages ?? []).filter((message) => message[kind] !== undefined);
}

/** The function responses the fake got on connection 0, in the order they came. */
export function responsesOf(fake: FakeLive): Record<string, unknown>[] {
  return messagesOf(fake, 0, 'toolResponse').flatMap(
    (message) =>
      (message['toolResponse'] as { functionResponses: Record<string, unknown>[] })
        .functionResponses,
  );
}
