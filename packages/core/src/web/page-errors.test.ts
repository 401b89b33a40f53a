import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { guardrails } from '../guardrails/index.ts';
import { createGemini } from '../http/create-gemini.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Issue 52, item 2: what a page sees of a failure is a fixed message and a code, never the
// error's own words (a thrown guardrail, a gateway that is down: internal addresses and keys).
// The details stay with the server: `onError`, and the error's fields, scrubbed of addresses.

const INTERNAL = '10.0.0.5';
const KEY = 'sk-internal-classifier-key';
const MODEL = 'gemini-2.5-flash';

function errorEvent(text: string) {
  return parseSse(text).events.find((event) => event.event === 'error')?.data.error;
}

describe('an input guardrail whose check throws', () => {
  for (const runInParallel of [false, true]) {
    it(`shows the page a fixed message, not what it threw (runInParallel: ${runInParallel})`, async () => {
      const fake = createFakeGemini({ script: [turn.text('Hello.')] });
      const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
      const agent = createAgent({
        gemini,
        model: MODEL,
        guardrails: guardrails({
          input: [
            {
              name: 'classifier',
              runInParallel,
              check: () => {
                throw new Error(
                  `POST http://${INTERNAL}:8080/classify?key=${KEY} failed: ECONNREFUSED ${INTERNAL}:8080`,
                );
              },
            },
          ],
        }),
      });
      const onError = vi.fn();
      const text = await readBody(
        toEventStreamResponse(agent.stream('Hi'), { onError }).body as ReadableStream<Uint8Array>,
      );
      expect(text).not.toContain(INTERNAL);
      expect(text).not.toContain(KEY);
      expect(errorEvent(text)).toEqual({
        name: 'GuardrailTrippedError',
        code: 'guardrail-tripped',
        message: 'A guardrail stopped the run (input).',
      });
      // The server keeps the details (its log gets the error), scrubbed of the address.
      const error = onError.mock.calls[0]?.[0];
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect((error as GuardrailTrippedError).reason).toContain('ECONNREFUSED');
      expect((error as GuardrailTrippedError).reason).not.toContain(INTERNAL);
      expect((error as GuardrailTrippedError).reason).not.toContain(KEY);
    });
  }
});

describe('a gateway that is down', () => {
  it('does not tell the page its internal address or base URL', async () => {
    const fetchDown = (async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ECONNREFUSED ${INTERNAL}:8080`), {
          code: 'ECONNREFUSED',
        }),
      });
    }) as typeof fetch;
    const gemini = createGemini({
      apiKey: 'test-key',
      retry: false,
      // A gateway on a private network over http: opted in, as its users must (attack15).
      baseUrl: `http://${INTERNAL}:8080/gateway-internal`,
      allowInsecureHttp: true,
      fetch: fetchDown,
    });
    const agent = createAgent({ gemini, model: MODEL });
    const replay = createReplayBuffer();
    const body = toEventStreamResponse(agent.stream('Hi'), { runId: 'down-1', replay })
      .body as ReadableStream<Uint8Array>;
    const text = await readBody(body);
    expect(text).not.toContain(INTERNAL);
    expect(text).not.toContain('gateway-internal');
    const error = errorEvent(text);
    expect(error).toMatchObject({ code: 'model-call' });
    expect(error.message).toBe('The model could not be reached.');
    // A page that resumes gets the same frames from the buffer.
    const resumed = replay.resume({
      headers: new Headers({ 'gemloop-run-id': 'down-1', 'last-event-id': '0' }),
    });
    const again = await readBody((resumed as Response).body as ReadableStream<Uint8Array>);
    expect(again).not.toContain(INTERNAL);
    expect(errorEvent(again)).toEqual(error);
  });
});

describe("a durable run's stream that fails", () => {
  it('shows the page a fixed message for an error whose words hold an address', async () => {
    const response = toDurableEventStreamResponse(
      { headers: new Headers() },
      {
        runId: 'r',
        // biome-ignore lint/correctness/useYield: a store that fails at once
        events: async function* () {
          throw new TimeoutError({
            timeoutMs: 5000,
            operation: `read postgres://app@${INTERNAL}:5432/runs`,
          });
        },
        heartbeatMs: 0,
      },
    );
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain(INTERNAL);
    expect(errorEvent(text)).toEqual({
      name: 'TimeoutError',
      code: 'timeout',
      message: 'The run took too long and was stopped.',
    });
  });
});
