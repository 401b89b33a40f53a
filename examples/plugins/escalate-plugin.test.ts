import { type AgentEvent, createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { escalateOn } from './escalate-plugin.ts';

// A third party's plugin hands a run off with public imports only (issue 53): the hand-off is a
// step outcome its `afterAnswer` returns, and the loop takes it as it takes composition's.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

function team(gemini: ReturnType<typeof createGemini>) {
  const supervisor = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    name: 'supervisor',
    instructions: 'You approve refunds.',
  });
  const frontline = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    name: 'frontline',
    instructions: 'You answer simple questions.',
    plugins: [escalateOn({ keyword: /\bESCALATE\b/, to: supervisor, name: 'supervisor' })],
  });
  return { frontline, supervisor };
}

type Body = {
  contents: { role: string; parts: { text?: string }[] }[];
  systemInstruction?: unknown;
};

describe('a third-party plugin that hands the run off (escalateOn)', () => {
  it.each(['run', 'stream'] as const)(
    'gives the same run to the agent it names (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([
        turn.text('A refund is beyond me. ESCALATE'),
        turn.text('Supervisor here: refund approved.'),
      ]);
      const { frontline } = team(gemini);
      const events: AgentEvent[] = [];
      let result: Awaited<ReturnType<typeof frontline.run>>;
      if (mode === 'run') result = await frontline.run('I want a refund.');
      else {
        const stream = frontline.stream('I want a refund.');
        for await (const event of stream) events.push(event);
        result = await stream.result;
      }
      expect(result.text).toBe('Supervisor here: refund approved.');
      expect(result.handoffs).toEqual(['supervisor']);
      expect(result.steps.map((step) => step.stepNumber)).toEqual([1, 2]);
      const [, second] = fake.requests.map((request) => request.body as Body);
      // The supervisor's own instructions, the conversation so far, and the plugin's user turn.
      expect(second?.systemInstruction).toEqual({ parts: [{ text: 'You approve refunds.' }] });
      expect(second?.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
      expect(second?.contents.at(-1)?.parts[0]?.text).toBe('Please take over this conversation.');
      if (mode === 'stream') {
        const handoff = events.find((event) => event.type === 'handoff');
        expect(handoff).toMatchObject({ from: 'frontline', to: 'supervisor', stepNumber: 1 });
      }
    },
  );

  it('hands off inside a subagent: the parent gets the receiving agent’s answer', async () => {
    const child = await serve([
      turn.text('Not mine to decide. ESCALATE'),
      turn.text('Refund approved by the supervisor.'),
    ]);
    const { frontline } = team(child.gemini);
    const parent = await serve([
      turn.call('desk', { task: 'Refund order 7.' }),
      turn.text('Done.'),
    ]);
    const manager = createAgent({
      gemini: parent.gemini,
      model: 'gemini-2.5-flash',
      name: 'manager',
      tools: [subagent(frontline, { name: 'desk', description: 'The help desk.' })],
    });
    const stream = manager.stream('Refund order 7.');
    const handoffs: AgentEvent[] = [];
    for await (const event of stream) if (event.type === 'handoff') handoffs.push(event);
    const result = await stream.result;
    expect(result.text).toBe('Done.');
    // What the manager's model got back from the desk: the supervisor's answer.
    expect(JSON.stringify(parent.fake.requests[1]?.body)).toContain(
      'Refund approved by the supervisor.',
    );
    // The child's hand-off shows on the top stream, under the child's path.
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({ to: 'supervisor' });
    expect((handoffs[0] as { path?: unknown }).path).not.toEqual([]);
  });

  it('refuses, where the plugin is made, a receiver that is not an agent createAgent made', () => {
    const impostor = { run: async () => ({ text: 'hi' }) } as never;
    const made = (() => {
      try {
        return escalateOn({ keyword: /ESCALATE/, to: impostor, name: 'impostor' });
      } catch (error) {
        return error;
      }
    })();
    expect(InvalidArgumentError.isInstance(made)).toBe(true);
    expect((made as Error).message).toContain(
      'receivers.impostor must be an agent made by createAgent',
    );
  });
});
