import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
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
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'https://gateway.test', fetch });
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

describe('the loop reads a null finishReason as absent', () => {
  const call = (finishReason: null | string) => ({
    candidates: [
      {
        content: { role: 'model', parts: [{ functionCall: { name: 'ping', args: {} } }] },
        finishReason,
      },
    ],
  });

  /** An agent with a `ping` tool whose first model call is answered with `first`, then `final`. */
  function agentAnsweringCalls(first: Response) {
    let calls = 0;
    const fetch = async (): Promise<Response> => (calls++ === 0 ? first : Response.json(final));
    const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'https://gateway.test', fetch });
    const ping = defineTool({ name: 'ping', parameters: z.object({}), execute: () => 'pong' });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [ping] });
    return { agent, calls: () => calls };
  }

  it('runs the calls of a turn whose finishReason is null, unstreamed', async () => {
    // A null finishReason was an unknown one: the run ended 'other' with the call unanswered in
    // its history.
    const { agent, calls } = agentAnsweringCalls(Response.json(call(null)));
    const result = await agent.run('Hi');
    expect(result.steps[0]?.toolCalls.map((toolCall) => toolCall.output)).toEqual(['pong']);
    expect(result.text).toBe('hi');
    expect(result.finishReason).toBe('stop');
    expect(calls()).toBe(2);
  });

  it('runs the calls of a streamed turn whose chunks say null until the last says STOP', async () => {
    const last = {
      candidates: [{ content: { role: 'model', parts: null }, finishReason: 'STOP' }],
    };
    const { agent } = agentAnsweringCalls(
      new Response(
        `data: ${JSON.stringify(call(null))}\r\n\r\ndata: ${JSON.stringify(last)}\r\n\r\n`,
        {
          headers: { 'content-type': 'text/event-stream' },
        },
      ),
    );
    const result = await agent.stream('Hi').result;
    expect(result.steps[0]?.toolCalls.map((toolCall) => toolCall.output)).toEqual(['pong']);
    expect(result.finishReason).toBe('stop');
  });

  it('says a stream that ended before its finish is interrupted, when every chunk said null', async () => {
    // A gateway writing `finishReason: null` on every chunk but the last: cut before the last, the
    // answer was taken as finished.
    const chunk = answer({ finishReason: null });
    const fetch = async (): Promise<Response> =>
      new Response(`data: ${JSON.stringify(chunk)}\r\n\r\ndata: ${JSON.stringify(chunk)}\r\n\r\n`, {
        headers: { 'content-type': 'text/event-stream' },
      });
    const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'https://gateway.test', fetch });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).stream('Hi').result;
    expect(result.text).toBe('hihi');
    expect(result.finishReason).toBe('interrupted');
  });
});
