import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import type { Content } from '../wire/content.ts';
import type { InputGuardrail } from './guardrail.ts';
import { guardrails } from './index.ts';

// The input and output guardrails as a plugin of the seam (io-guardrails-plugin.ts): what the
// move had to keep that the older tests do not pin down.

const MODEL = 'gemini-2.5-flash';

function sentText(contents: unknown): string {
  return ((contents as Content[] | undefined) ?? [])
    .flatMap((content) => content.parts.map((part) => part.text ?? ''))
    .join('|');
}

async function drive(agent: ReturnType<typeof createAgent>, mode: 'run' | 'stream', input: string) {
  if (mode === 'run')
    return { result: await agent.run(input), events: [] as AgentEvent<unknown>[] };
  const stream = agent.stream(input);
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

const redactEmail: InputGuardrail = {
  name: 'strip-email',
  check: ({ text }) => ({ type: 'rewrite', input: text.replace(/\S+@\S+/g, '[email]') }),
};

describe('the input and output guardrails as a plugin', () => {
  it.each(['run', 'stream'] as const)(
    'a sequential rewrite is what the first call sends while a parallel check runs beside it (%s)',
    async (mode) => {
      const gemini = createScriptedGemini([textTurn('ok')]);
      const seenBeside: string[] = [];
      const agent = createAgent({
        gemini,
        model: MODEL,
        guardrails: guardrails({
          input: [
            redactEmail,
            {
              name: 'classifier',
              runInParallel: true,
              check: ({ text }) => {
                seenBeside.push(text);
                return { type: 'pass' };
              },
            },
          ],
        }),
      });
      const { result } = await drive(agent, mode, 'mail ann@example.com');
      expect(gemini.calls).toHaveLength(1);
      expect(sentText(gemini.calls[0]?.request.contents)).toBe('mail [email]');
      expect(seenBeside).toEqual(['mail [email]']);
      expect(result.contents[0]).toEqual({ role: 'user', parts: [{ text: 'mail [email]' }] });
    },
  );

  it.each(['run', 'stream'] as const)(
    'a parallel trip stands when a plugin wraps the call and answers without the model (%s)',
    async (mode) => {
      const gemini = createScriptedGemini([textTurn('never')]);
      const cached = definePlugin({
        name: 'answer-cache',
        wrapModelCall: async (_call, next) => {
          // Made once from a real call, then served: here, the step a call would make.
          void next;
          return {
            stepNumber: 1,
            kind: 'tools',
            text: 'cached',
            toolCalls: [],
            response: {
              candidates: [{ content: { role: 'model', parts: [{ text: 'cached' }] } }],
            },
            content: { role: 'model', parts: [{ text: 'cached' }] },
            usage: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 },
          } as never;
        },
      });
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [cached],
        guardrails: guardrails({
          input: [
            {
              name: 'classifier',
              runInParallel: true,
              check: () => ({ type: 'block', reason: 'no' }),
            },
          ],
        }),
      });
      const error = await drive(agent, mode, 'hello').catch((caught: unknown) => caught);
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ guardrailName: 'classifier', phase: 'input' });
      expect(gemini.calls).toHaveLength(0);
    },
  );
});
