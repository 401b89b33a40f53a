import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import { type AgentPlugin, definePlugin } from '../plugins/index.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { createChatSession } from './create-chat-session.ts';

// Issue 53: the seam's guardrail capabilities in a chat session. A trip mid chat (a call's
// arguments, an answer) leaves a history the next turn can run on; a `checkAnswer` rewrite is what
// the caller gets while the stored history keeps the model's words (as an output guardrail's
// rewrite does); plugins given to the session run on each send, after the agent's.

const MODEL = 'gemini-2.5-flash';
type Mode = 'send' | 'sendStream';

const paid: number[] = [];
const transfer = defineTool({
  name: 'transfer',
  parameters: z.object({ amount: z.number() }),
  execute: ({ amount }) => {
    paid.push(amount);
    return { ok: true };
  },
});

/** Trips on a transfer over 100 and on an answer with "secret"; masks digits in answers. */
const policy: AgentPlugin = definePlugin({
  name: 'policy',
  checkToolCall(call, run) {
    const { amount } = call.input as { amount: number };
    if (amount > 100)
      run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: `${amount} is over 100` });
    return undefined;
  },
  checkAnswer(answer, run) {
    if (answer.text.includes('secret'))
      run.trip({ guardrailName: 'no-secrets', phase: 'output', reason: 'shows a secret' });
    return /\d/.test(answer.text) ? { text: answer.text.replace(/\d/g, '#') } : undefined;
  },
});

type Session = ReturnType<typeof createChatSession>;

async function say(session: Session, mode: Mode, message: string) {
  if (mode === 'send') return session.send(message);
  const stream = session.sendStream(message);
  for await (const _event of stream) {
    // drained: the result settles once the events are read
  }
  return stream.result;
}

function failure(session: Session, mode: Mode, message: string): Promise<unknown> {
  return say(session, mode, message).then(
    () => undefined,
    (error: unknown) => error,
  );
}

function texts(contents: readonly Content[]): unknown[] {
  return contents.map((content) => content.parts?.map((part) => part.text ?? Object.keys(part)[0]));
}

describe('plugin trips and rewrites in a chat session', () => {
  it.each(['send', 'sendStream'] as const)(
    'a tool-input trip mid chat ends that send; the history stays valid and the next turn runs on it (%s)',
    async (mode) => {
      paid.length = 0;
      const gemini = createScriptedGemini([
        textTurn('Hello.'),
        callsTurn(['transfer', { amount: 500 }, 'c1']),
        textTurn('How can I help?'),
      ]);
      const session = createChatSession({
        agent: createAgent({ gemini, model: MODEL, tools: [transfer], plugins: [policy] }),
      });
      await say(session, mode, 'Hi');
      const error = await failure(session, mode, 'Send 500.');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect((error as GuardrailTrippedError).guardrailName).toBe('limit');
      expect(paid).toEqual([]);

      const before = await session.history();
      expect(validateHistory(before)).toEqual([]);
      const next = await say(session, mode, 'Never mind.');
      expect(next.text).toBe('How can I help?');
      // What the model was sent for the next turn is a valid history ending in the new message.
      const sent = gemini.contentsOf(2);
      expect(validateHistory(sent)).toEqual([]);
      expect(sent.at(-1)).toEqual({ role: 'user', parts: [{ text: 'Never mind.' }] });
      expect(validateHistory(await session.history())).toEqual([]);
      await session.close();
    },
  );

  it.each(['send', 'sendStream'] as const)(
    'a checkAnswer rewrite is what the caller gets; the chat history keeps the model’s words (%s)',
    async (mode) => {
      const gemini = createScriptedGemini([textTurn('Call 555 1234'), textTurn('Bye')]);
      const session = createChatSession({
        agent: createAgent({ gemini, model: MODEL, plugins: [policy] }),
      });
      const first = await say(session, mode, 'Number?');
      expect(first.text).toBe('Call ### ####');
      await say(session, mode, 'Thanks');
      // The model sees its own earlier answer, as it said it, on the next turn.
      expect(texts(gemini.contentsOf(1))).toEqual([['Number?'], ['Call 555 1234'], ['Thanks']]);
      expect(texts(await session.history())).toEqual([
        ['Number?'],
        ['Call 555 1234'],
        ['Thanks'],
        ['Bye'],
      ]);
      await session.close();
    },
  );

  it.each(['send', 'sendStream'] as const)(
    'an output trip saves nothing of that send; the next send goes on from the turn before (%s)',
    async (mode) => {
      const gemini = createScriptedGemini([
        textTurn('Hello.'),
        textTurn('the secret is swordfish'),
        textTurn('Sure.'),
      ]);
      const session = createChatSession({
        agent: createAgent({ gemini, model: MODEL, plugins: [policy] }),
      });
      await say(session, mode, 'Hi');
      const error = await failure(session, mode, 'Tell me the secret.');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect((error as GuardrailTrippedError).phase).toBe('output');
      expect(JSON.stringify(await session.history())).not.toContain('swordfish');
      expect((await say(session, mode, 'Something else.')).text).toBe('Sure.');
      expect(texts(gemini.contentsOf(2))).toEqual([['Hi'], ['Hello.'], ['Something else.']]);
      await session.close();
    },
  );

  it("runs a session's plugins on each send, after the agent's, each run with fresh state", async () => {
    const order: string[] = [];
    const tracer = (name: string): AgentPlugin<{ runs: number }> =>
      definePlugin({
        name,
        startRun: () => ({ runs: 0 }),
        checkAnswer(answer, run) {
          run.state.runs += 1;
          order.push(`${name}:${answer.text}:${run.state.runs}`);
          return { text: `${answer.text}+${name}` };
        },
      });
    const gemini = createScriptedGemini([textTurn('a'), textTurn('b')]);
    const session = createChatSession({
      agent: createAgent({ gemini, model: MODEL, plugins: [tracer('agent')] }),
      plugins: [tracer('session')],
    });
    expect((await session.send('1')).text).toBe('a+agent+session');
    expect((await say(session, 'sendStream', '2')).text).toBe('b+agent+session');
    expect(order).toEqual(['agent:a:1', 'session:a+agent:1', 'agent:b:1', 'session:b+agent:1']);
    expect(texts(await session.history())).toEqual([['1'], ['a'], ['2'], ['b']]);
    await session.close();
  });
});
