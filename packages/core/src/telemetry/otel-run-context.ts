import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Histogram, Span, Tracer } from '@opentelemetry/api';
import { cutText } from '../shared/cut-text.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { inputTokens, outputTokens } from './genai-span-attributes.ts';

// SpanKind and SpanStatusCode values of @opentelemetry/api, stable since 1.0.
/** `SpanKind.INTERNAL`. @internal */
export const SPAN_KIND_INTERNAL = 0;
/** `SpanKind.CLIENT`. @internal */
export const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/**
 * What the OpenTelemetry observer's parts share for one run: the API and tracer, the run's span
 * and context, the attributes every span of the run carries, the metrics, and what the run
 * records (the semconv dialect, message content).
 * @internal
 */
export type OtelRunContext = {
  api: typeof OtelApi;
  tracer: Tracer;
  runSpan: Span;
  runContext: Context;
  /** The provider and server attributes of every span and metric point of the run. */
  common: Attributes;
  /** The latest GenAI semconv dialect (not the 1.36 one). */
  latest: boolean;
  /** Message content is captured. */
  content: boolean;
  tokenUsage: Histogram;
  duration: Histogram;
  /** The model call under way for each step, for the continuation hops' events. */
  openCalls: Map<number, Span>;
};

/**
 * Records a model call's input and output tokens in `gen_ai.client.token.usage`, with its
 * metric attributes.
 * @internal
 */
export function recordTokenUsage(
  tokenUsage: Histogram,
  usage: UsageMetadata,
  attributes: Attributes,
): void {
  tokenUsage.record(inputTokens(usage), { ...attributes, 'gen_ai.token.type': 'input' });
  tokenUsage.record(outputTokens(usage), { ...attributes, 'gen_ai.token.type': 'output' });
}

/** A span's status message, cut past this many characters (a thrown message is unbounded). */
const MAX_STATUS_MESSAGE_CHARS = 1000;

/**
 * Marks a span failed: its `error.type`, and its status with a bounded message whose local
 * details (URLs, addresses, credentials) are taken out.
 * @internal
 */
export function failSpan(span: Span, errorType: string, error: unknown): void {
  span.setAttribute('error.type', errorType);
  // A text is one gemloop made safe already (a tool call's message, a guardrail's reason). A
  // thrown error's message is often from code gemloop does not own (a plugin, a subagent's
  // driver): its URLs, addresses and credentials are taken out, as from a tool's (attack30).
  const message =
    typeof error === 'string'
      ? error
      : error instanceof Error
        ? statusMessageOf(error.message)
        : undefined;
  span.setStatus(message === undefined ? { code: STATUS_ERROR } : { code: STATUS_ERROR, message });
}

// Redacted, then cut (leftovers78): cut first, a key straddling the cut kept its start, which no
// key shape matches any more. The redaction runs over a bounded slice (the message is unbounded);
// four times the cut leaves room for what the redaction shortens.
function statusMessageOf(message: string): string {
  return cutText(
    redactLocalDetails(cutText(message, MAX_STATUS_MESSAGE_CHARS * 4)),
    MAX_STATUS_MESSAGE_CHARS,
  );
}

/**
 * A value as JSON for a span attribute, or a marker for one that does not serialise.
 * @internal
 */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"[unserialisable]"';
  }
}
