/**
 * Which edition of the OpenTelemetry GenAI semantic conventions gemloop emits.
 *
 * - `'latest'`: semantic-conventions v1.41.0 (2026-04-28, the last release that carries the GenAI
 *   pages `gen-ai-spans.md`, `gen-ai-agent-spans.md` and `gen-ai-metrics.md` before they moved to
 *   open-telemetry/semantic-conventions-genai): `gen_ai.provider.name`, reasoning and cache-read
 *   token counts, `gen_ai.request.stream`, time to first chunk, `gen_ai.tool.type`, and content
 *   (opt-in) as `gen_ai.input.messages` / `gen_ai.output.messages`.
 * - `'v1.36.0'`: the attributes v1.36.0 defined (`gen_ai.system` instead of
 *   `gen_ai.provider.name`; none of the later additions; no content attributes).
 */
export type SemconvDialect = 'latest' | 'v1.36.0';

/**
 * Reads `OTEL_SEMCONV_STABILITY_OPT_IN` as the GenAI transition plan asks: with
 * `gen_ai_latest_experimental` in the comma-separated list, the latest experimental conventions;
 * without it, the v1.36.0 ones (what instrumentations emitted before the plan).
 */
export function readSemconvDialect(
  value: string | undefined = globalThis.process?.env?.['OTEL_SEMCONV_STABILITY_OPT_IN'],
): SemconvDialect {
  if (value === undefined) return 'v1.36.0';
  for (const entry of value.split(',')) {
    if (entry.trim() === 'gen_ai_latest_experimental') return 'latest';
  }
  return 'v1.36.0';
}
