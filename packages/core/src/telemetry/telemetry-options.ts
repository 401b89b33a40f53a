import type { OtelMeterProvider, OtelTracerProvider } from './otel-provider-types.ts';
import type { SemconvDialect } from './semconv-dialect.ts';

/**
 * OpenTelemetry settings of an agent (`createAgent({ telemetry })`). `@opentelemetry/api` is an
 * optional peer dependency: gemloop loads it only when a provider is passed here or registered
 * globally (`trace.setGlobalTracerProvider`, `NodeSDK.start()`); otherwise no telemetry code runs.
 */
export type TelemetryOptions = {
  /** @defaultValue the globally registered tracer provider, if any */
  tracerProvider?: OtelTracerProvider | undefined;
  /** @defaultValue the globally registered meter provider, if any */
  meterProvider?: OtelMeterProvider | undefined;
  /**
   * Record message content, system instructions, tool arguments and tool results on the spans
   * (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`,
   * `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`). They may hold personal data; API
   * keys and headers are never recorded. Only with the latest conventions. @defaultValue false
   */
  recordContent?: boolean | undefined;
  /**
   * The conventions' edition. @defaultValue from `OTEL_SEMCONV_STABILITY_OPT_IN`
   * (`gen_ai_latest_experimental` selects `'latest'`, otherwise `'v1.36.0'`)
   */
  conventions?: SemconvDialect | undefined;
};
