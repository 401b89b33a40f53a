import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { interactionsApi } from './interactions-api.ts';

// A streamed interaction whose 200 body is not `data:`-framed events: an error object (a gateway's,
// or the API's mid-stream, pretty-printed over lines), a gateway that ignored `stream: true` and
// answered the whole interaction, a proxy's HTML page. The events parser ignored every such line,
// so the run ended with an empty answer read as interrupted: the error lost, the answer the body
// held lost, where the unary call names them. generateContent's stream parser already reads them.

const KEY = 'AIzaSy-test-key-0123456789';

function serverOf(bodies: Array<{ body: string; type: string }>) {
  const sent: Record<string, unknown>[] = [];
  const gemini = createGemini({
    baseUrl: 'http://127.0.0.1:9/v1beta',
    apiKey: KEY,
    retry: false,
    fetch: async (_url, init) => {
      sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      const next = bodies.shift() ?? { body: '', type: 'text/event-stream' };
      return new Response(next.body, { status: 200, headers: { 'content-type': next.type } });
    },
  });
  return { gemini, sent };
}

async function streamed(bodies: Array<{ body: string; type: string }>, tools = [] as never[]) {
  const { gemini, sent } = serverOf(bodies);
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools, api: interactionsApi() });
  const stream = agent.stream('Hi');
  const result = await (async () => {
    for await (const _event of stream) {
      // drained
    }
    return stream.result;
  })().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { result, sent };
}

const sse = (events: object[]) =>
  events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
const errorBody = {
  error: { code: 500, message: `internal boom for key ${KEY}`, status: 'INTERNAL' },
};

describe('a streamed interaction whose body holds JSON outside any event', () => {
  it.each([
    ['one line, as JSON', JSON.stringify(errorBody), 'application/json'],
    ['pretty-printed over lines, as SSE', JSON.stringify(errorBody, null, 2), 'text/event-stream'],
    [
      'after events, mid-stream',
      `${sse([
        { event_type: 'interaction.created', interaction: { id: 'i1', status: 'in_progress' } },
        { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'The ans' } },
      ])}${JSON.stringify(errorBody, null, 2)}\n`,
      'text/event-stream',
    ],
  ])(
    'an error object (%s) fails the step with its ApiCallError, the key redacted',
    async (_name, body, type) => {
      const { result } = await streamed([{ body, type }]);
      const error = (result as { error?: unknown }).error;
      expect(ModelCallError.isInstance(error)).toBe(true);
      const cause = (error as ModelCallError).cause;
      expect(ApiCallError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({ status: 500 });
      expect((cause as ApiCallError).message).toContain('internal boom');
      expect(
        JSON.stringify({
          message: (error as Error).message,
          body: (cause as ApiCallError).responseBody,
        }),
      ).not.toContain(KEY);
    },
  );

  it('a whole interaction (a gateway that ignored stream: true) is the answer a unary call reads, its call run', async () => {
    const seen: unknown[] = [];
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a word up.',
      parameters: z.object({ word: z.string() }),
      execute: (args) => {
        seen.push(args);
        return { meaning: 'a greeting' };
      },
    });
    const called = {
      id: 'i1',
      status: 'requires_action',
      steps: [
        { type: 'thought', signature: 'SIG', summary: [{ type: 'text', text: 'Look it up.' }] },
        { type: 'function_call', id: 'c1', name: 'lookup', arguments: { word: 'hi' } },
      ],
      usage: { total_input_tokens: 5, total_output_tokens: 2, total_tokens: 7 },
    };
    const answered = {
      id: 'i2',
      status: 'completed',
      steps: [{ type: 'model_output', content: [{ type: 'text', text: 'It is a greeting.' }] }],
      usage: { total_input_tokens: 9, total_output_tokens: 4, total_tokens: 13 },
    };
    const { result, sent } = await streamed(
      [
        { body: JSON.stringify(called, null, 2), type: 'application/json' },
        { body: JSON.stringify(answered), type: 'text/event-stream' },
      ],
      [lookup as never],
    );
    const value = (
      result as {
        value?: { text: string; steps: { interactionId?: string }[]; contents: unknown[] };
      }
    ).value;
    expect(value?.text).toBe('It is a greeting.');
    expect(seen).toEqual([{ word: 'hi' }]);
    expect(value?.steps.map((step) => step.interactionId)).toEqual(['i1', 'i2']);
    expect(value?.contents[1]).toEqual({
      role: 'model',
      parts: [
        { thought: true, text: 'Look it up.', thoughtSignature: 'SIG' },
        { functionCall: { id: 'c1', name: 'lookup', args: { word: 'hi' } } },
      ],
    });
    // Answered, so the next step continues it on the server.
    expect(sent[1]?.['previous_interaction_id']).toBe('i1');
  });

  it('a body with no event but other text (an HTML page) is a StreamError naming its first line, not an empty interrupted answer', async () => {
    const { result } = await streamed([
      { body: '<html>\n<body>Sign in to the proxy</body>\n</html>', type: 'text/html' },
    ]);
    const cause = ((result as { error?: unknown }).error as ModelCallError | undefined)?.cause;
    expect(StreamError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ reason: 'invalid-chunk', event: '<html>' });
  });

  it('JSON cut off by the end of the body is a truncated stream; JSON that is no event, error or interaction is refused', async () => {
    const cut = await streamed([
      { body: '{"error": {"code": 500,\n"message": "bo', type: 'text/event-stream' },
    ]);
    const cutCause = ((cut.result as { error?: unknown }).error as ModelCallError | undefined)
      ?.cause;
    expect(StreamError.isInstance(cutCause)).toBe(true);
    expect(cutCause).toMatchObject({ reason: 'truncated' });
    const other = await streamed([{ body: '{"hello": "world"}', type: 'application/json' }]);
    const otherCause = ((other.result as { error?: unknown }).error as ModelCallError | undefined)
      ?.cause;
    expect(otherCause).toMatchObject({ reason: 'invalid-chunk', event: '{"hello": "world"}' });
  });

  it('an empty body still ends the stream (a resumed stream may have nothing left): the step is read as interrupted', async () => {
    const { result } = await streamed([{ body: '', type: 'text/event-stream' }]);
    expect((result as { value?: { finishReason: string } }).value?.finishReason).toBe(
      'interrupted',
    );
  });
});
