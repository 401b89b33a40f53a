import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { createAgent } from './create-agent.ts';

// A gateway that translates from another format may write `null` for a field it has no value for,
// where Google leaves the field out. The client's response check takes `null` as absent; so must
// the loop, in a unary run and in a stream, instead of failing with a TypeError of its own.

const answer = (candidate: Record<string, unknown>, response: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, ...candidate }],
  ...response,
});
const final = answer({ finishReason: 'STOP' });

const cases: [string, Record<string, unknown>][] = [
  ['parts', answer({ content: { role: 'model', parts: null }, finishReason: 'STOP' })],
  ['usageMetadata', answer({ finishReason: 'STOP' }, { usageMetadata: null })],
  ['groundingMetadata', answer({ finishReason: 'STOP', groundingMetadata: null })],
];

function agentAnswering(first: unknown, streamed: boolean) {
  const bodies: unknown[] = [];
  const fetch = async (): Promise<Response> => {
    const body = bodies.length === 0 ? first : final;
    bodies.push(body);
    return streamed
      ? new Response(`data: ${JSON.stringify(body)}\r\n\r\n`, {
          headers: { 'content-type': 'text/event-stream' },
        })
      : Response.json(body);
  };
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'http://gateway.test', fetch });
  return { agent: createAgent({ gemini, model: 'gemini-2.5-flash' }), bodies };
}

describe('the loop reads a null field of a response as absent', () => {
  for (const [field, first] of cases) {
    for (const streamed of [false, true]) {
      it(`${field}: null, ${streamed ? 'streamed' : 'unstreamed'}`, async () => {
        const { agent, bodies } = agentAnswering(first, streamed);
        const result = streamed ? await agent.stream('Hi').result : await agent.run('Hi');
        expect(result.text).toBe('hi');
        expect(result.finishReason).toBe('stop');
        // A null `parts` is an empty answer: re-asked once, then the second answer is the text.
        expect(bodies).toHaveLength(field === 'parts' ? 2 : 1);
      });
    }
  }
});
