import { describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';

// A wrapModelCall that calls `next` more than once (a retry, a fallback) in a stream: every
// attempt's text was shown as it came, so the step's text is retracted to the kept answer's with
// the retraction event a UI already handles, before the step ends. One call: no retraction.

const MODEL = 'gemini-2.5-flash';

/** Calls the model again when the first answer says "draft", keeping the second. */
const retry = definePlugin({
  name: 'retry',
  wrapModelCall: async (call, next) => {
    const first = await next(call);
    return first.text.includes('draft') ? next(call) : first;
  },
});

async function streamed(plugins: Parameters<typeof createAgent>[0]['plugins'], turns: string[]) {
  const gemini = createScriptedGemini(turns.map((text) => textTurn(text)));
  const stream = createAgent({ gemini, model: MODEL, plugins }).stream('Write.');
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { events, result: await stream.result, gemini };
}

describe('a wrapModelCall that calls next again, in a stream', () => {
  it('retracts the shown text to the kept answer, named after the plugin, before the step ends', async () => {
    const { events, result, gemini } = await streamed([retry], ['A draft.', 'The answer.']);
    expect(gemini.calls).toHaveLength(2);
    expect(result.text).toBe('The answer.');
    const types = events.map((event) => event.type);
    const retraction = events.find((event) => event.type === 'guardrail-retraction');
    expect(retraction).toMatchObject({ stepNumber: 1, name: 'retry', text: 'The answer.' });
    // After both attempts' deltas, before the step's end.
    expect(types.lastIndexOf('text-delta')).toBeLessThan(types.indexOf('guardrail-retraction'));
    expect(types.indexOf('guardrail-retraction')).toBeLessThan(types.indexOf('step-end'));
    // What a UI shows after applying it: the kept answer alone.
    let shown = '';
    for (const event of events) {
      if (event.type === 'text-delta') shown += event.text;
      if (event.type === 'guardrail-retraction') {
        // Both attempts were shown until then.
        expect(shown).toBe('A draft.The answer.');
        shown = event.text;
      }
    }
    expect(shown).toBe('The answer.');
  });

  it('keeps the first attempt when the wrapper does: the retraction names it', async () => {
    const keepFirst = definePlugin({
      name: 'compare',
      wrapModelCall: async (call, next) => {
        const first = await next(call);
        await next(call);
        return first;
      },
    });
    const { events, result } = await streamed([keepFirst], ['One.', 'Two.']);
    expect(result.text).toBe('One.');
    expect(events.filter((event) => event.type === 'guardrail-retraction')).toEqual([
      expect.objectContaining({ name: 'compare', text: 'One.' }),
    ]);
  });

  it('retracts nothing when each step made one model call', async () => {
    const { events, result } = await streamed([retry], ['The answer.']);
    expect(result.text).toBe('The answer.');
    expect(events.some((event) => event.type === 'guardrail-retraction')).toBe(false);
  });
});
