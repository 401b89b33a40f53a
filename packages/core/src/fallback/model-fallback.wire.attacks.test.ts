import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ForeignResponseError } from '../agent/errors/foreign-response-error.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelFallback } from './model-fallback.ts';

// attack42b: model fallback against a hostile gateway, from outside (the real client over an
// injected fetch that answers per model): every model failing, every model refusing, and a
// fallback that answers in another API's wire shape. Each ends the run typed, after one request
// per model, streamed and unary, with the key in no error.

const KEY = 'AIzaFallbackAttack-0123456789';
const MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'] as const;

function overloaded(): Response {
  return Response.json(
    { error: { code: 503, message: `Overloaded (${KEY})`, status: 'UNAVAILABLE' } },
    { status: 503 },
  );
}

function answer(streamed: boolean, body: string): Response {
  return streamed
    ? new Response(`data: ${body}\r\n\r\n`, { headers: { 'content-type': 'text/event-stream' } })
    : new Response(body, { headers: { 'content-type': 'application/json' } });
}

/** A gateway answering each model call with `byModel(model, streamed)`. */
function gateway(byModel: (model: string, streamed: boolean) => Response) {
  const models: string[] = [];
  const fetch = async (url: unknown): Promise<Response> => {
    const [, model = '', method = ''] = /models\/([^:/]+):(\w+)/.exec(String(url)) ?? [];
    models.push(model);
    return byModel(model, method === 'streamGenerateContent');
  };
  const gemini = createGemini({
    apiKey: KEY,
    fetch: fetch as typeof globalThis.fetch,
    retry: false,
  });
  return { gemini, models };
}

function agentOn(gemini: ReturnType<typeof createGemini>, refusals?: string[]) {
  return createAgent({
    gemini,
    model: MODELS[0],
    plugins: [modelFallback({ models: [MODELS[1], MODELS[2]], refusals })],
  });
}

async function settle(agent: ReturnType<typeof agentOn>, streamed: boolean) {
  return (streamed ? agent.stream('Hello.').result : agent.run('Hello.')).catch(
    (error: unknown) => error,
  );
}

const safety = '{"candidates":[{"finishReason":"SAFETY"}]}';

describe('model fallback against a hostile gateway', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';

    it(`(${mode}) ends typed after one call per model when every model is overloaded`, async () => {
      const { gemini, models } = gateway(() => overloaded());
      const error = await settle(agentOn(gemini), streamed);
      expect(ModelCallError.isInstance(error)).toBe(true);
      expect(ApiCallError.isInstance((error as Error).cause)).toBe(true);
      expect(models).toEqual([...MODELS]);
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(KEY);
    });

    it(`(${mode}) ends after one call per model when every model refuses`, async () => {
      const { gemini, models } = gateway((_model, isStream) => answer(isStream, safety));
      const result = await settle(agentOn(gemini, ['SAFETY']), streamed);
      expect(models).toEqual([...MODELS]);
      // The last model's refusal is the run's answer: there is no model left to send it to.
      expect(result).toMatchObject({ finishReason: 'content-filter' });
    });

    it(`(${mode}) ends bounded, typed, when the fallback answers another API's shape`, async () => {
      // A 200 without `candidates` passes the lenient check as an empty Gemini answer (refusing it
      // by its foreign fields there would cost every stream chunk a look). It was re-asked twice
      // unary and ended `interrupted` streamed, neither naming the shape (attack42b); now the loop,
      // which refuses it anyway, tells its shape apart: the same typed error in both modes, on the
      // fallback model's first answer (leftovers43).
      const openAi =
        '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"message":{"content":"Hi"}}]}';
      const { gemini, models } = gateway((model, isStream) =>
        model === MODELS[0] ? overloaded() : answer(isStream, openAi),
      );
      const outcome = await settle(agentOn(gemini), streamed);
      expect(ForeignResponseError.isInstance(outcome), String(outcome)).toBe(true);
      expect(outcome).toMatchObject({ format: 'openai-chat-completion' });
      expect(models).toEqual([MODELS[0], MODELS[1]]);
      expect(`${String(outcome)} ${JSON.stringify(outcome)}`).not.toContain(KEY);
    });
  }
});
