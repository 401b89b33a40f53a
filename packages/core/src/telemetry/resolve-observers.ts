import type { Logger } from '../logging/logger.ts';
import {
  booleanOption,
  type DeclaredOptions,
  defineOptions,
  type OptionCheck,
  oneOfOption,
  optionCheck,
  stringOption,
} from '../options/define-options.ts';
import { createTelemetryObserver } from './create-telemetry-observer.ts';
import type { RunObserver } from './run-observer.ts';
import type { TelemetryOptions } from './telemetry-options.ts';

const telemetryOptions: DeclaredOptions<TelemetryOptions> = defineOptions<TelemetryOptions>({
  name: 'telemetry',
  example: '{ tracerProvider, meterProvider, recordContent } (or false)',
  checks: {
    tracerProvider: optionCheck(
      (value) => typeof (value as { getTracer?: unknown } | null)?.getTracer === 'function',
      'telemetry.tracerProvider must be an OpenTelemetry TracerProvider (with getTracer()).',
    ),
    meterProvider: optionCheck(
      (value) => typeof (value as { getMeter?: unknown } | null)?.getMeter === 'function',
      'telemetry.meterProvider must be an OpenTelemetry MeterProvider (with getMeter()).',
    ),
    recordContent: booleanOption(),
    conventions: oneOfOption(
      ['latest', 'v1.36.0'],
      "telemetry.conventions must be 'latest' or 'v1.36.0', or left out (then OTEL_SEMCONV_STABILITY_OPT_IN decides).",
    ),
  },
});

/**
 * The checks of the `createAgent` options that make its observers (`name`, `telemetry`,
 * `recorder`), run by {@link resolveObservers}.
 * @internal
 */
export const observerOptionChecks: {
  name: OptionCheck;
  telemetry: OptionCheck;
  recorder: OptionCheck;
} = {
  name: stringOption({
    nonEmpty: true,
    message: "name must be a non-empty string such as 'weather-assistant', or left out.",
  }),
  telemetry: (value, path) => {
    if (value !== false) telemetryOptions.check(value, path);
  },
  recorder: optionCheck(
    (value) => typeof (value as { startRun?: unknown } | null)?.startRun === 'function',
    'recorder must be made by createRunRecorder() (or be a RunObserver), or left out.',
  ),
};

/**
 * Checks `name`, `telemetry` and `recorder` of `createAgent` ({@link observerOptionChecks}) and
 * returns the agent's observers:
 * the telemetry observer (unless `telemetry: false`; it tells `logger` once when it fails) and
 * the recorder.
 * @throws {@link InvalidArgumentError} naming the option at fault.
 * @internal
 */
export function resolveObservers(
  options: {
    name?: string | undefined;
    telemetry?: TelemetryOptions | false | undefined;
    recorder?: RunObserver | undefined;
  },
  logger?: Logger | undefined,
): { name: string | undefined; observers: readonly RunObserver[] } {
  for (const key of ['name', 'telemetry', 'recorder'] as const) {
    if (options[key] !== undefined) observerOptionChecks[key](options[key], key);
  }
  const { name, telemetry, recorder } = options;
  const observers: RunObserver[] = [];
  if (telemetry !== false) observers.push(createTelemetryObserver(telemetry ?? {}, logger));
  if (recorder !== undefined) {
    observers.push(recorder);
    recorders.add(recorder);
  }
  return { name, observers };
}

// The observers given as an agent's `recorder`: a subagent's run records into its parent's too
// (see `isRunRecorder`), so the tree is not lost from the recording. why (kept): a
// brand on the user's observer object, which reaches a child run only as one of its parent's
// observers; no run data.
const recorders = new WeakSet<RunObserver>();

/**
 * Whether `observer` was given as an agent's `recorder` (not its telemetry): the observers a
 * child run inherits from the run that started it. @internal
 */
export function isRunRecorder(observer: RunObserver): boolean {
  return recorders.has(observer);
}
