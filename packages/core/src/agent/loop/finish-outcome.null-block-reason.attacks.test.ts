import { describe, expect, it } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import { createAgent } from '../create-agent.ts';

// attack58b: a gateway that writes `null` for a field it has no value for (null-fields.attacks)
// may send `promptFeedback: { blockReason: null }`. The response check takes `null` as absent; the
// loop read that null as a block reason: an answer without candidates ended the run as a blocked
// prompt (reason `null`) instead of being asked again, and a stream cut before its finish was
// taken as finished (its text kept as the whole answer) instead of `interrupted`.

const sse = (...bodies: unknown[]): Response =>
  new Response(bodies.map((body) => `data: ${JSON.stringify(body)}\r\n\r\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
const noFeedback = { blockReason: null, safetyRatings: null };
const final = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }],
};

function agentAnswering(answers: (() => Response)[]) {
  let calls = 0;
  const fetch = async (): Promise<Response> => (answers[calls++] ?? (() => Response.json(final)))();
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'https://gateway.test', fetch });
  return { agent: createAgent({ gemini, model: 'gemini-2.5-flash' }), calls: () => calls };
}

describe('promptFeedback.blockReason: null is no block', () => {
  for (const streamed of [false, true]) {
    it(`an answer without candidates is read as one without promptFeedback, ${streamed ? 'streamed' : 'unstreamed'}`, async () => {
      const outcome = async (empty: unknown) => {
        const { agent, calls } = agentAnswering([
          () => (streamed ? sse(empty) : Response.json(empty)),
          () => (streamed ? sse(final) : Response.json(final)),
        ]);
        const result = streamed ? await agent.stream('Hi').result : await agent.run('Hi');
        return { finishReason: result.finishReason, text: result.text, calls: calls() };
      };
      const withNull = await outcome({ candidates: [], promptFeedback: noFeedback });
      // Before: 'content-filter', a blocked prompt with reason null, the run over.
      expect(withNull).toEqual(await outcome({ candidates: [] }));
      // Unstreamed, an empty answer is asked again; streamed, one chunk and no finish is a cut.
      expect(withNull).toEqual(
        streamed
          ? { finishReason: 'interrupted', text: '', calls: 1 }
          : { finishReason: 'stop', text: 'hi', calls: 2 },
      );
    });
  }

  it('a stream cut before its finish is interrupted', async () => {
    const first = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'The answer is' }] } }],
      promptFeedback: noFeedback,
    };
    const { agent } = agentAnswering([() => sse(first)]);
    const result = await agent.stream('Hi').result;
    expect(result.text).toBe('The answer is');
    expect(result.finishReason).toBe('interrupted');
  });
});
