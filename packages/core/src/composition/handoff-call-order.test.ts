import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { handoff } from './handoff.ts';

const MODEL = 'gemini-2.5-flash';
const REFUSED =
  'Not transferred to support: this turn transferred the conversation to billing already.';

/**
 * A turn that transfers to billing, then to support, with the FIRST transfer held by an async
 * plugin hook (or the agent's async approval) until the second one's result has gone through every `afterToolCall`: the second
 * ends first, without a timer (the hold is opened by the second's own hook).
 */
function desk(hold: 'approval' | 'beforeToolCall' | 'afterToolCall') {
  const billingGemini = createScriptedGemini([textTurn('Refund issued.'), textTurn('Done.')]);
  const supportGemini = createScriptedGemini([textTurn('Support here.'), textTurn('Fixed.')]);
  const billing = createAgent({ gemini: billingGemini, model: MODEL, name: 'billing' });
  const support = createAgent({ gemini: supportGemini, model: MODEL, name: 'support' });
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const ended: string[] = [];
  const held = (toolName: string) => (toolName === 'transfer_to_billing' ? opened : undefined);
  const slowFirst = definePlugin({
    name: 'slow-first',
    ...(hold === 'beforeToolCall' && { beforeToolCall: ({ toolName }) => held(toolName) }),
    // `ended` in the order the calls leave this hook (the held one once its hold opened).
    afterToolCall: ({ toolName }) => {
      const holding = hold === 'afterToolCall' ? held(toolName) : undefined;
      if (holding !== undefined) return holding.then(() => void ended.push(toolName));
      ended.push(toolName);
      if (toolName === 'transfer_to_support') open();
      return undefined;
    },
  });
  const triage = createAgent({
    gemini: createScriptedGemini([
      callsTurn(['transfer_to_billing', {}, 't1'], ['transfer_to_support', {}, 't2']),
    ]),
    model: MODEL,
    name: 'triage',
    tools: [handoff(billing), handoff(support)],
    plugins: [slowFirst],
    ...(hold === 'approval' && {
      // Approved once the second transfer ended (a person answering late).
      beforeToolCall: async ({ toolName }) => {
        await held(toolName);
        return undefined;
      },
    }),
  });
  return { triage, billingGemini, supportGemini, ended };
}

describe('handoff: two transfers of one turn, the first ending last', () => {
  for (const hold of ['approval', 'beforeToolCall', 'afterToolCall'] as const)
    for (const streamed of [false, true])
      it(`goes to the first in call order (an async ${hold} on it, ${streamed ? 'streamed' : 'unary'})`, async () => {
        const { triage, billingGemini, supportGemini, ended } = desk(hold);
        const events: AgentEvent[] = [];
        let result: Awaited<ReturnType<typeof triage.run>>;
        if (streamed) {
          const stream = triage.stream('Refund, and my app crashes.');
          for await (const event of stream) events.push(event);
          result = await stream.result;
        } else result = await triage.run('Refund, and my app crashes.');
        // The second transfer ended first: the hold is what this test is about.
        expect(ended).toEqual(['transfer_to_support', 'transfer_to_billing']);
        expect(result.handoffs).toEqual(['billing']);
        expect(result.text).toBe('Refund issued.');
        expect(supportGemini.calls).toHaveLength(0);
        const responses = result.steps[0]?.toolCalls.map((call) => call.response.response);
        expect(responses).toEqual([{ output: 'Transferred to billing.' }, { output: REFUSED }]);
        const sent = JSON.stringify(billingGemini.calls[0]?.request.contents);
        expect(sent).toContain(REFUSED);
        expect(sent).not.toContain('Transferred to support');
        if (streamed) {
          // Each call's event says what its response says: none claims the transfer to support.
          const results = events.flatMap((event) =>
            event.type === 'tool-result' ? [event.toolCall] : [],
          );
          expect(results.map((call) => [call.toolName, call.response.response])).toEqual(
            expect.arrayContaining([
              ['transfer_to_billing', { output: 'Transferred to billing.' }],
              ['transfer_to_support', { output: REFUSED }],
            ]),
          );
          expect(results).toHaveLength(2);
        }
      });

  it('leaves a chat session with the first in call order', async () => {
    const { triage, billingGemini, supportGemini } = desk('beforeToolCall');
    const chat = createChatSession({ agent: triage });
    expect((await chat.send('Refund, and my app crashes.')).text).toBe('Refund issued.');
    expect((await chat.send('Thanks.')).text).toBe('Done.');
    expect(billingGemini.calls).toHaveLength(2);
    expect(supportGemini.calls).toHaveLength(0);
    await chat.close();
  });
});
