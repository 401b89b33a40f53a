import { createAgent, createGemini } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { escalateOn } from './escalate-plugin.ts';

// A third party's hand-off in a chat (issue 53 item 1, handoff-receivers): the plugin declares
// the agent it hands to (`receivers`), so the next message goes to that agent, in the same
// session and in a new session over the same stored history, as after a `handoff()` tool's.
// Before `receivers` the only record was the handing config's in-memory set: the new session
// sent the next message back to the session agent.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

/** Frontline escalates its first answer to the supervisor; each agent on its own fake model. */
async function team() {
  const front = await serve([turn.text('ESCALATE'), turn.text('Frontline again.')]);
  const boss = await serve([
    turn.text('Supervisor: refund approved.'),
    turn.text('Supervisor: done.'),
  ]);
  const supervisor = createAgent({
    gemini: boss.gemini,
    model: 'gemini-2.5-flash',
    name: 'supervisor',
  });
  const frontline = createAgent({
    gemini: front.gemini,
    model: 'gemini-2.5-flash',
    name: 'frontline',
    plugins: [escalateOn({ keyword: /\bESCALATE\b/, to: supervisor, name: 'supervisor' })],
  });
  return { front, boss, frontline };
}

const MODES = ['send', 'sendStream'] as const;

async function say(
  session: ReturnType<typeof createChatSession>,
  mode: (typeof MODES)[number],
  text: string,
) {
  if (mode === 'send') return session.send(text);
  const stream = session.sendStream(text);
  for await (const _event of stream);
  return stream.result;
}

describe.each(MODES)("a third party's hand-off in a chat (%s)", (mode) => {
  it('the next message goes to the receiver: in the same session, then in a new one over the store', async () => {
    const { front, boss, frontline } = await team();
    const store = createMemoryHistoryStore();
    const session = createChatSession({ agent: frontline, store, id: 'c1' });
    const first = await say(session, mode, 'I want a refund.');
    expect(first.text).toBe('Supervisor: refund approved.');
    expect(first.handoffs).toEqual(['supervisor']);
    const second = await say(session, mode, 'Thanks.');
    expect(second.text).toBe('Supervisor: done.');
    expect(front.fake.requests).toHaveLength(1);
    expect(boss.fake.requests).toHaveLength(2);

    // A new session object over the same stored history (another process would make one).
    const again = await team();
    const reopened = createChatSession({ agent: again.frontline, store, id: 'c1' });
    const third = await say(reopened, mode, 'One more thing.');
    expect(third.text).toBe('Supervisor: refund approved.');
    expect(again.front.fake.requests).toHaveLength(0);
    expect(again.boss.fake.requests).toHaveLength(1);
  });
});

describe('a hand-off to an agent the plugin does not declare', () => {
  it('ends the run with a PluginError naming the plugin, the agent and how to declare it', async () => {
    const { gemini } = await serve([turn.text('ESCALATE')]);
    const stranger = createAgent({ gemini, model: 'gemini-2.5-flash', name: 'stranger' });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [
        definePlugin({
          name: 'sneaky',
          afterAnswer: () => ({
            type: 'hand-off',
            to: stranger,
            contents: [{ role: 'user', parts: [{ text: 'Go.' }] }],
          }),
        }),
      ],
    });
    const error = await agent.run('Hi.').catch((caught: unknown) => caught);
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).plugin).toBe('sneaky');
    expect((error as PluginError).message).toContain('agent "stranger"');
    expect((error as PluginError).message).toContain('receivers: { stranger: agent }');
  });
});
