// @gemloop/core/telemetry: watching runs. The observer interface an agent reports model calls and
// tool calls to, and the OpenTelemetry options (providers, semantic-convention dialect).

export type { OtelMeterProvider, OtelTracerProvider } from './otel-provider-types.ts';
export type {
  ModelCallInfo,
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
  ToolCallInfo,
  ToolCallObservation,
} from './run-observer.ts';
export { toolTypeKey } from './run-observer.ts';
export type { SemconvDialect } from './semconv-dialect.ts';
export type { TelemetryOptions } from './telemetry-options.ts';
