import { describe, expect, it } from 'vitest';
import { countArrayWork } from './__fixtures__/count-array-work.ts';
import { streamAgent } from './stream-agent.ts';

// A hostile (or buggy) server must not be able to freeze a page with events the client accepts:
// the work of reading a run grows with its events, not with their square. Counted, not timed.

const encoder = new TextEncoder();
const frame = (id: number, data: object) =>
  `id: ${id}\nevent: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;

/** A run of `steps` steps, each a text delta then a retraction of it, all in one chunk. */
function retractingRun(steps: number): () => Promise<Response> {
  const frames = [frame(0, { type: 'start', path: [], runId: 'r', protocol: 1 })];
  for (let step = 1; step <= steps; step++) {
    frames.push(
      frame(frames.length, { type: 'text-delta', path: [], stepNumber: step, text: 'x' }),
    );
    frames.push(
      frame(frames.length, { type: 'text-retraction', path: [], stepNumber: step, text: 'y' }),
    );
  }
  frames.push(frame(frames.length, { type: 'finish', path: [], outcome: 'completed' }));
  const body = encoder.encode(frames.join(''));
  return async () =>
    new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

describe('streamAgent', () => {
  it('reads n events with work in proportion to n: a run four times longer costs four times more', async () => {
    const measure = async (steps: number) => {
      const fetch = retractingRun(steps);
      const { result, work } = await countArrayWork(() => streamAgent('http://x', { fetch }));
      expect(result.text).toBe('y'.repeat(steps));
      return work;
    };
    const small = await measure(1000);
    const large = await measure(4000);
    // Linear: 4x (plus the sort of the step numbers, n log n). Quadratic would be 16x.
    expect(large / small).toBeLessThan(6);
  });
});

// doors53: a plain agent handing off to one with an `output` schema. The answer is the receiver's
// JSON (the run's `result.text`), but `text` joined every step: `Let me hand you over.` (the text
// the plain agent wrote beside its transfer call) and the JSON, which no page could parse. The
// events are those `toEventStreamResponse` sends for that run on the fake Gemini (the receiver's
// first answer refused by its schema and taken back, then asked again).
describe('streamAgent and a hand-off (doors53)', () => {
  const ANSWER = '{"city":"Paris","country":"France"}';
  const handedOver = (handoffPath: string[]) => {
    const frames = [
      { type: 'start', path: [], runId: 'r', protocol: 1 },
      { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
      { type: 'text-delta', path: [], stepNumber: 1, text: 'Let me hand you over.' },
      { type: 'step-finish', path: [], stepNumber: 1, kind: 'tools', finishReason: 'STOP' },
      { type: 'handoff', path: handoffPath, stepNumber: 1, from: 'triage', to: 'cities' },
      { type: 'text-delta', path: [], stepNumber: 2, text: '{"city": 42}' },
      { type: 'text-retraction', path: [], stepNumber: 2, text: '' },
      { type: 'text-delta', path: [], stepNumber: 3, text: ANSWER },
      { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop' },
    ].map((data, id) => frame(id, data));
    const body = encoder.encode(frames.join(''));
    return async () =>
      new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  };

  it("text is the receiver's answer: the steps up to the hand-off are not part of it", async () => {
    const result = await streamAgent('http://x', { fetch: handedOver([]) });
    expect(result.text).toBe(ANSWER);
    expect(JSON.parse(result.text)).toEqual({ city: 'Paris', country: 'France' });
  });

  it("a subagent's hand-off (inside a tool call) leaves the run's answer whole", async () => {
    const result = await streamAgent('http://x', { fetch: handedOver(['helper#1']) });
    expect(result.text).toBe(`Let me hand you over.${ANSWER}`);
  });
});
