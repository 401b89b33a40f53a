import type * as OtelApi from '@opentelemetry/api';
import type { Logger } from '../logging/logger.ts';
import type { RunObservation, RunObserver } from './run-observer.ts';
import type { TelemetryOptions } from './telemetry-options.ts';

// Where @opentelemetry/api 1.x keeps its globals (its `internal/global-utils`): a provider
// registered by any copy of the API shows here, so gemloop can tell without importing it.
// why (brand): @opentelemetry/api's own registered key.
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * Whether a tracer or meter provider is registered globally, read without loading the API.
 * @internal
 */
export function hasRegisteredOtel(): boolean {
  const registry = (globalThis as Record<symbol, unknown>)[OTEL_API_GLOBAL] as
    | { trace?: unknown; metrics?: unknown }
    | undefined;
  return registry !== undefined && (registry.trace !== undefined || registry.metrics !== undefined);
}

// why (lazy): @opentelemetry/api imported once.
let apiLoad: Promise<typeof OtelApi> | undefined;

/** Loads the optional peer once per process. @internal */
export function loadOtelApi(): Promise<typeof OtelApi> {
  // The platform's loader itself is imported here, with the API: the root import loads nothing
  // of telemetry's API (issue 53, "Cold import": each module ≈ 1 M instructions at import).
  apiLoad ??= import('#platform/import-otel-api')
    .then(({ importOtelApi }) => importOtelApi())
    .catch((error: unknown) => {
      apiLoad = undefined;
      throw error;
    });
  return apiLoad;
}

/**
 * The telemetry observer of an agent. With providers in `options` it always traces; without,
 * only while a provider is registered globally. A provider that throws is told to `logger` once
 * (see `reportObserverThrows`). Until then a run costs one property lookup, and
 * `@opentelemetry/api` is never imported.
 * @internal
 */
export function createTelemetryObserver(
  options: TelemetryOptions,
  logger?: Logger | undefined,
): RunObserver {
  const explicit = options.tracerProvider !== undefined || options.meterProvider !== undefined;
  let observer: Promise<RunObserver> | undefined;
  return {
    active: () => explicit || hasRegisteredOtel(),
    startRun(info): Promise<RunObservation | undefined> | undefined {
      if (!explicit && !hasRegisteredOtel()) return undefined;
      // The OpenTelemetry observer's own modules are loaded with the API, not with gemloop: a
      // cold `import '@gemloop/core'` loads each module on its own (bench/README.md, issue 12).
      observer ??= Promise.all([
        loadOtelApi(),
        import('./create-otel-observer.ts'),
        import('./semconv-dialect.ts'),
      ]).then(([api, { createOtelObserver, reportObserverThrows }, { readSemconvDialect }]) =>
        reportObserverThrows(
          () =>
            createOtelObserver({
              api,
              tracerProvider: options.tracerProvider ?? api.trace.getTracerProvider(),
              meterProvider: options.meterProvider ?? api.metrics.getMeterProvider(),
              recordContent: options.recordContent === true,
              dialect: options.conventions ?? readSemconvDialect(),
            }),
          logger,
        ),
      );
      return observer.then((loaded) => loaded.startRun(info));
    },
  };
}
