import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';

// Live's `guardrail-tripped` tool outcome (a plugin's `run.trip` on a live call) attacked from
// outside: a trip whose guardrail name and reason carry the client's key, and a tool hook that
// throws an unreadable value. Neither the session's events, its error, nor what the model is sent
// carries the key; the session ends typed.

const KEY = 'test-key-live-trip-0123456789abcdef';

const transfer = defineTool({
  name: 'transfer',
  description: 'Moves money.',
  parameters: z.object({ amount: z.number(), to: z.string() }),
  execute: ({ amount, to }) => ({ done: true, amount, to }),
});

async function session(plugin: ReturnType<typeof definePlugin>) {
  const { fake, agent } = await liveFixture(
    {
      script: [
        [
          {
            toolCalls: [
              { name: 'transfer', args: { amount: 900, to: 'bob' }, id: 't1' },
              { name: 'transfer', args: { amount: 1, to: 'ann' }, id: 't2' },
            ],
          },
        ],
        [{ text: 'never' }],
      ],
    },
    { tools: [transfer], plugins: [plugin] },
    KEY,
  );
  const seen: LiveEvent[] = [];
  const live = await createLiveSession(agent, { onEvent: (event) => seen.push(event) });
  live.sendText('Send bob 900');
  const thrown = await readUntil(live[Symbol.asyncIterator](), () => false).catch(
    (error: unknown) => error,
  );
  const sent = JSON.stringify(fake.connections.map((connection) => connection.messages.slice(1)));
  return { thrown, seen, sent };
}

describe('live guardrail-tripped attacked', () => {
  it('a trip whose guardrail name and reason hold the key: typed, the key nowhere', async () => {
    const { thrown, seen, sent } = await session(
      definePlugin({
        name: 'policy',
        beforeToolCall: (_call, run) =>
          run.trip({ guardrailName: `limit ${KEY}`, phase: 'tool-input', reason: `key ${KEY}` }),
      }),
    );
    expect(GuardrailTrippedError.isInstance(thrown)).toBe(true);
    const error = thrown as GuardrailTrippedError;
    expect(`${error.message} ${error.reason} ${error.guardrailName}`).not.toContain(KEY);
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect(
      seen.some((event) => event.type === 'tool-error' && event.outcome === 'guardrail-tripped'),
    ).toBe(true);
    expect(sent).not.toContain(KEY);
  });

  it('a tool hook that throws a proxy whose traps throw: the PluginError, the key nowhere', async () => {
    const { thrown, seen, sent } = await session(
      definePlugin({
        name: 'hostile',
        beforeToolCall: () => {
          throw new Proxy(
            {},
            {
              get() {
                throw new Error(`trap ${KEY}`);
              },
              getPrototypeOf() {
                throw new Error(`trap ${KEY}`);
              },
            },
          );
        },
      }),
    );
    expect(PluginError.isInstance(thrown)).toBe(true);
    expect(String((thrown as Error).message)).not.toContain(KEY);
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect(sent).not.toContain(KEY);
  });
});
