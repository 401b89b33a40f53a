import { createFakeGemini, type FakeGemini, type FakeRecordedRequest } from '@gemloop/testing';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { PROBE_RATE_LIMIT_TEXT } from '../probe/probe-errors.ts';
import { loadFakeScript } from './load-fake-script.ts';
import type { FakeFlags } from './parse-fake-flags.ts';

/** A running development fake: its base URL and how to stop it. */
export type DevFake = { fake: FakeGemini; url: string; close(): Promise<void> };

/**
 * Starts the fake Gemini of `@gemloop/testing` over HTTP with `gemloop fake`'s flags. Besides the
 * user's faults it answers `gemloop probe`'s rate-limit request (and only that one) with the
 * API's 429 and its `RetryInfo`, so probing the fake checks that line too instead of skipping it.
 * `onRequest` gets each answered request (keys already redacted by the fake).
 */
export async function startDevFake(
  flags: FakeFlags,
  {
    cwd,
    onRequest,
  }: { cwd: string; onRequest?: ((request: FakeRecordedRequest) => void) | undefined },
): Promise<DevFake> {
  const script = await loadFakeScript(flags.script, cwd);
  const fake = createFakeGemini({
    script,
    gatewayMistakes: flags.gatewayMistakes,
    models: flags.models,
    onRequest,
    // A development server runs for hours: it logs each request (onRequest) and keeps only the
    // latest ones, so its memory does not grow with every history it is sent.
    keepRequests: 1_000,
    faults: [
      {
        fault: { type: 'rate-limit', retryDelaySeconds: 7 },
        on: ({ body }) => JSON.stringify(body).includes(PROBE_RATE_LIMIT_TEXT),
      },
      ...flags.faults,
    ],
  });
  const { url } = await fake.listen({ port: flags.port, host: flags.host });
  return { fake, url, close: () => fake.close() };
}

/**
 * One log line for an answered request: time, HTTP method, API method, model, status, stream and
 * fault. Never the URL, headers or body (the key and the prompts stay out of the terminal); the
 * model name comes from the URL, so it is cut and its control characters escaped.
 */
export function formatRequestLine(request: FakeRecordedRequest, now: Date = new Date()): string {
  const model = request.model === undefined ? '' : ` ${escapeControls(request.model.slice(0, 80))}`;
  const stream = request.stream ? (request.alt === 'sse' ? ' (stream, sse)' : ' (stream)') : '';
  const fault = request.fault === undefined ? '' : ` fault=${request.fault}`;
  return `${now.toISOString().slice(11, 23)} ${escapeControls(request.httpMethod.slice(0, 16))} ${request.method}${model} -> ${request.status}${stream}${fault}`;
}
