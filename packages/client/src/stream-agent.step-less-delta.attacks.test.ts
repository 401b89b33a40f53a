import { describe, expect, it } from 'vitest';
import { streamAgent } from './stream-agent.ts';

// leftovers77b (noticed by attack61f and leftovers76): a `text-delta` without a finite
// `stepNumber` (a server or proxy that left it out, or sent text) was dropped from `text`, while
// the chat state of `@gemloop/react` shows it, appended to the step streaming now. The two readers
// of one run now agree: the cases are those of react's reduce-agent-chat.leftovers76 attacks
// (NaN and Infinity arrive as `null`: JSON has neither).

const frame = (id: number, data: object) =>
  `id: ${id}\nevent: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;
const delta = (text: string, stepNumber?: unknown) => ({
  type: 'text-delta',
  path: [],
  text,
  ...(stepNumber === undefined ? {} : { stepNumber }),
});

/** The text `streamAgent` reads from a run of `events` (between a start and a finish). */
async function textOf(events: object[]): Promise<string> {
  const all = [
    { type: 'start', path: [], runId: 'r', protocol: 1 },
    ...events,
    { type: 'finish', path: [], outcome: 'completed' },
  ];
  const body = all.map((event, id) => frame(id, event)).join('');
  const fetch = async () =>
    new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  return (await streamAgent('http://x', { fetch })).text;
}

describe('streamAgent: a text-delta without a step number', () => {
  it.each([undefined, 'x', null, { step: 2 }])(
    'stepNumber %j: continues the step streaming now, in order',
    async (stepNumber) => {
      expect(await textOf([delta('one ', 0), delta('two ', 1), delta('three', stepNumber)])).toBe(
        'one two three',
      );
    },
  );

  it('a run whose deltas all lack it reads the whole answer', async () => {
    expect(await textOf([delta('Hello, '), delta('world.')])).toBe('Hello, world.');
  });

  it('after a hand-off: the answer of the agent handed to, not the one handing over', async () => {
    const text = await textOf([
      delta('Let me pass you on. ', 0),
      { type: 'handoff', path: [], stepNumber: 0, from: 'triage', to: 'billing' },
      delta('Billing here.'),
    ]);
    expect(text).toBe('Billing here.');
  });

  it("a subagent's delta without one stays out of the run's answer", async () => {
    expect(await textOf([delta('Answer.', 0), { ...delta('inner'), path: ['helper'] }])).toBe(
      'Answer.',
    );
  });
});
