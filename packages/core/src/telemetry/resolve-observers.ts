import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createTelemetryObserver } from './create-telemetry-observer.ts';
import type { RunObserver } from './run-observer.ts';
import type { TelemetryOptions } from './telemetry-options.ts';

const telemetryKeys: ReadonlySet<string> = new Set([
  'tracerProvider',
  'meterProvider',
  'recordContent',
  'conventions',
]);

/**
 * Checks `name`, `telemetry` and `recorder` of `createAgent` and returns the agent's observers:
 * the telemetry observer (unless `telemetry: false`) and the recorder.
 * @throws {@link InvalidArgumentError} naming the option at fault.
 * @internal
 */
export function resolveObservers(options: {
  name?: string | undefined;
  telemetry?: TelemetryOptions | false | undefined;
  recorder?: RunObserver | undefined;
}): { name: string | undefined; observers: readonly RunObserver[] } {
  const { name, telemetry, recorder } = options;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
    throw new InvalidArgumentError({
      argument: 'name',
      message: "name must be a non-empty string such as 'weather-assistant', or left out.",
    });
  }
  const observers: RunObserver[] = [];
  if (telemetry !== false) observers.push(createTelemetryObserver(checkTelemetry(telemetry)));
  if (recorder !== undefined) {
    if (
      typeof recorder !== 'object' ||
      recorder === null ||
      typeof recorder.startRun !== 'function'
    ) {
      throw new InvalidArgumentError({
        argument: 'recorder',
        message: 'recorder must be made by createRunRecorder() (or be a RunObserver), or left out.',
      });
    }
    observers.push(recorder);
  }
  return { name, observers };
}

function checkTelemetry(telemetry: TelemetryOptions | undefined): TelemetryOptions {
  if (telemetry === undefined) return {};
  if (typeof telemetry !== 'object' || telemetry === null || Array.isArray(telemetry)) {
    throw new InvalidArgumentError({
      argument: 'telemetry',
      message:
        'telemetry must be false, or an object such as { tracerProvider, meterProvider, recordContent }.',
    });
  }
  for (const key of Object.keys(telemetry)) {
    if (!telemetryKeys.has(key)) {
      throw new InvalidArgumentError({
        argument: `telemetry.${key}`,
        message: `telemetry has no option '${key}'; the options are ${[...telemetryKeys].join(', ')}.`,
      });
    }
  }
  for (const key of ['tracerProvider', 'meterProvider'] as const) {
    const provider = telemetry[key] as { getTracer?: unknown; getMeter?: unknown } | undefined;
    const method = key === 'tracerProvider' ? 'getTracer' : 'getMeter';
    if (provider !== undefined && typeof provider?.[method] !== 'function') {
      throw new InvalidArgumentError({
        argument: `telemetry.${key}`,
        message: `telemetry.${key} must be an OpenTelemetry ${key === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (with ${method}()).`,
      });
    }
  }
  const { conventions } = telemetry;
  if (conventions !== undefined && conventions !== 'latest' && conventions !== 'v1.36.0') {
    throw new InvalidArgumentError({
      argument: 'telemetry.conventions',
      message:
        "telemetry.conventions must be 'latest' or 'v1.36.0', or left out (then OTEL_SEMCONV_STABILITY_OPT_IN decides).",
    });
  }
  return telemetry;
}
