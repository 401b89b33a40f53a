// attack30: a cycle of agents. The model of an agent that is, through a handoff, its own subagent
// calls it again at every level: a child of a child without end, a model call at each, and the
// in-process tree had no depth bound (a durable worker's is 8). `maxDepth` (64) ends the tree there.

import { createFakeGemini, type FakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Agent } from '../agent/create-agent.ts';
import { createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { subagent } from './subagent.ts';

const model = 'gemini-2.5-flash';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/**
 * lead: asks its `helper` subagent; helper: hands the run back to lead (a plugin whose receivers
 * are read when the run needs them, as a cycle must be written). Every model call does so again.
 */
async function cycle(maxDepth?: number) {
  const fake = createFakeGemini({
    script: routeByAgent([
      {
        match: 'You lead',
        script: Array.from({ length: 200 }, () => turn.call('helper', { task: 'help' })),
      },
      {
        match: 'You help',
        script: Array.from({ length: 200 }, () => turn.call('transfer_to_lead', {})),
      },
    ]),
  });
  fakes.push(fake);
  // Over a socket: an in-process fetch answers from promises alone, and a tree without end would
  // then starve the test's own time limit.
  const { url } = await fake.listen();
  const gemini = createGemini({ apiKey: 'test-key', retry: false, baseUrl: url });
  let lead: Agent<undefined> | undefined;
  const back = defineTool({
    name: 'transfer_to_lead',
    description: 'Hands the conversation back.',
    parameters: z.object({}),
    execute: () => ({ output: 'Transferred to lead.' }),
  });
  const handBack = definePlugin({
    name: 'hand-back',
    receivers: () => ({ lead: lead as Agent<undefined> }),
    afterToolCall: (call) =>
      call.toolName === 'transfer_to_lead'
        ? { type: 'hand-off' as const, to: lead as Agent<undefined>, name: 'lead' }
        : undefined,
  });
  const helper = createAgent({
    gemini,
    model,
    name: 'helper',
    instructions: 'You help.',
    tools: [back],
    plugins: [handBack],
  });
  lead = createAgent({
    gemini,
    model,
    name: 'lead',
    instructions: 'You lead.',
    tools: [
      subagent(helper, {
        name: 'helper',
        description: 'Helps.',
        ...(maxDepth === undefined ? {} : { maxDepth }),
      }),
    ],
  });
  return { lead, fake };
}

describe('a cycle of agents', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`ends the tree at maxDepth with a SubagentError naming the cycle (${mode})`, async () => {
      const { lead, fake } = await cycle();
      const outcome = mode === 'run' ? lead.run('Help me.') : lead.stream('Help me.').result;
      const error = await outcome.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(SubagentError.isInstance(error)).toBe(true);
      const subagentError = error as SubagentError;
      expect(subagentError.message).toContain('past its maxDepth of 64');
      expect(subagentError.message).toContain('Break the cycle');
      expect(subagentError.path).toHaveLength(65);
      // Two model calls a level (lead's call of helper, helper's hand-off), one for the top run,
      // then none: the levels above end with the error instead of asking their models again.
      expect(fake.modelRequests).toHaveLength(129);
    }, 60_000);
  }

  it.each(['send', 'sendStream'] as const)(
    "ends a chat turn's tree the same, and the session keeps no half of the turn (%s, matrix41)",
    async (send) => {
      const { lead, fake } = await cycle(2);
      const chat = createChatSession({ agent: lead });
      const outcome = send === 'send' ? chat.send('Help me.') : chat.sendStream('Help me.').result;
      const error = await outcome.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(SubagentError.isInstance(error)).toBe(true);
      expect((error as SubagentError).message).toContain('past its maxDepth of 2');
      expect(fake.modelRequests).toHaveLength(5);
      expect(await chat.history()).toEqual([]);
    },
    60_000,
  );

  it('takes a lower maxDepth, and refuses one that is not a positive integer', async () => {
    const { lead, fake } = await cycle(2);
    const error = await lead.run('Help me.').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as SubagentError).message).toContain('3 levels deep');
    expect(fake.modelRequests).toHaveLength(5);
    const helper = createAgent({ gemini: createGemini({ apiKey: 'k' }), model });
    for (const maxDepth of [0, 1.5, -1, Number.NaN, '8']) {
      expect(() =>
        subagent(helper, { name: 'helper', description: 'Helps.', maxDepth: maxDepth as number }),
      ).toThrow(InvalidArgumentError);
    }
  }, 60_000);
});
