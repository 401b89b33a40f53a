import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { modelFallback } from './model-fallback.ts';

// Attack (econ2, economy68's leftover): every model of a fallback chain fails, each differently:
// `gemini-2.5-pro` 503, `gemini-2.5-flash` 429, `gemini-2.5-flash-lite` 400. The run ended on the
// last model's `ModelCallError` alone, "HTTP 400 …" naming no model: the 503 and the 429 were only
// in a stream's `fallback` events. The error keeps its type and `cause` (the last model's
// `ApiCallError`, which model-fallback.wire.attacks.test.ts pins) and now carries `attempts`
// (model, reason, HTTP status, in order: no thrown text) and names each model in its message,
// unary and streamed, in the recording's `run-end` too, with the key in none of it.

const KEY = 'AIzaFallbackAttempts-0123456789abcdef';
const MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'] as const;
const FAILURES: Record<string, [number, string]> = {
  [MODELS[0]]: [503, 'UNAVAILABLE'],
  [MODELS[1]]: [429, 'RESOURCE_EXHAUSTED'],
  [MODELS[2]]: [400, 'INVALID_ARGUMENT'],
};

function gateway() {
  const fetch = async (url: unknown): Promise<Response> => {
    const [, model = ''] = /models\/([^:/]+):/.exec(String(url)) ?? [];
    const [code, status] = FAILURES[model] ?? [500, 'INTERNAL'];
    return Response.json(
      { error: { code, message: `Failed with key ${KEY} (${status})`, status } },
      { status: code },
    );
  };
  return createGemini({ apiKey: KEY, fetch: fetch as typeof globalThis.fetch, retry: false });
}

describe('model fallback when every model fails', () => {
  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) says each model tried and why, keeping the last error's type and cause`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-fallback-attempts-'));
      try {
        const recorder = createRunRecorder({ dir });
        const agent = createAgent({
          gemini: gateway(),
          model: MODELS[0],
          plugins: [modelFallback({ models: [MODELS[1], MODELS[2]] })],
          recorder,
        });
        const events: AgentEvent[] = [];
        let error: unknown;
        try {
          if (streamed) {
            const stream = agent.stream('Hello.');
            for await (const event of stream) events.push(event as AgentEvent);
            await stream.result;
          } else await agent.run('Hello.');
        } catch (caught) {
          error = caught;
        }
        expect(ModelCallError.isInstance(error)).toBe(true);
        const failure = error as ModelCallError;
        expect(ApiCallError.isInstance(failure.cause)).toBe(true);
        expect(failure.cause).toMatchObject({ status: 400 });
        expect(failure.attempts).toEqual([
          { model: MODELS[0], reason: 'overloaded', status: 503 },
          { model: MODELS[1], reason: 'rate-limit', status: 429 },
          { model: MODELS[2], reason: 'other', status: 400 },
        ]);
        for (const model of MODELS) expect(failure.message).toContain(model);
        expect(`${String(error)} ${JSON.stringify(error)} ${failure.stack}`).not.toContain(KEY);
        if (streamed)
          expect(
            events
              .filter((e): e is PluginEvent => e.type === 'plugin' && e.kind === 'fallback')
              .map(({ data }) => data),
          ).toEqual([
            { from: MODELS[0], to: MODELS[1], reason: 'overloaded', detail: '503' },
            { from: MODELS[1], to: MODELS[2], reason: 'rate-limit', detail: '429' },
          ]);
        await recorder.flush();
        const [file] = await readdir(dir);
        const text = await readFile(join(dir, file as string), 'utf8');
        const end = text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { type: string; error?: { message?: string } })
          .find((line) => line.type === 'run-end');
        for (const model of MODELS) expect(end?.error?.message).toContain(model);
        expect(text).not.toContain(KEY);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
});
