import type { OtelTracerProvider } from '@gemloop/core/telemetry';

/** What the tracer's failure quotes: a path no client may read. */
export const TRACER_SECRET = '/srv/otel/exporter-secret.json';

/**
 * A tracer provider whose tracer throws as the first `times` spans start (quoting a path, as a
 * misconfigured exporter's error might), then runs each span's callback with a span that does
 * nothing: a door's run that fails as it starts, once, and a door that can run again after.
 */
export function tracerThatThrows(times = 1): OtelTracerProvider {
  let left = times;
  const span = { setAttribute: () => span, setStatus: () => span, end: () => {} };
  return {
    getTracer: () => ({
      startActiveSpan: (_name: string, _options: unknown, fn: (started: typeof span) => unknown) => {
        if (left > 0) {
          left -= 1;
          throw new Error(`exporter misconfigured at ${TRACER_SECRET}`);
        }
        return fn(span);
      },
    }),
  } as unknown as OtelTracerProvider;
}
