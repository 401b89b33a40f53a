import type { Attributes, Span } from '@opentelemetry/api';
import type { Cost } from '../models/cost.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { cutName, cutTextNoted } from '../shared/cut-text.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';

// The GenAI semantic conventions' request, response and usage attributes of gemloop's spans
// (createOtelObserver's), and gemloop's own cost attribute.

/**
 * `name` (a tool's, a model version, a response id, a finish reason, as a model or gateway wrote
 * it) for a span name or attribute, cut past 128 characters with a note (`cutName`): whole, a 1 MB
 * name was a 1 MB span name, and as a metric attribute was kept by the metrics SDK for the life of
 * the process (attack29).
 */
export function boundName(name: string): string {
  return cutName(name);
}

export function addRequestParameters(
  attributes: Attributes,
  config: Record<string, unknown> | undefined,
): void {
  if (config === undefined) return;
  const number = (key: string, name: string): void => {
    const value = config[key];
    if (typeof value === 'number') attributes[name] = value;
  };
  number('temperature', 'gen_ai.request.temperature');
  number('topP', 'gen_ai.request.top_p');
  number('topK', 'gen_ai.request.top_k');
  number('maxOutputTokens', 'gen_ai.request.max_tokens');
  number('presencePenalty', 'gen_ai.request.presence_penalty');
  number('frequencyPenalty', 'gen_ai.request.frequency_penalty');
  number('seed', 'gen_ai.request.seed');
  const count = config['candidateCount'];
  if (typeof count === 'number' && count !== 1) attributes['gen_ai.request.choice.count'] = count;
  const stops = config['stopSequences'];
  if (Array.isArray(stops) && stops.every((stop) => typeof stop === 'string'))
    attributes['gen_ai.request.stop_sequences'] = stops as string[];
  const mime = config['responseMimeType'];
  if (mime === 'application/json') attributes['gen_ai.output.type'] = 'json';
  else if (mime === 'text/plain') attributes['gen_ai.output.type'] = 'text';
}

export function addResponse(span: Span, response: GenerateContentResponse, latest: boolean): void {
  if (response.modelVersion !== undefined)
    span.setAttribute('gen_ai.response.model', boundName(response.modelVersion));
  if (response.responseId !== undefined)
    span.setAttribute('gen_ai.response.id', boundName(response.responseId));
  const reasons: string[] = [];
  for (const candidate of response.candidates ?? []) {
    if (typeof candidate.finishReason === 'string') reasons.push(boundName(candidate.finishReason));
  }
  if (reasons.length > 0) span.setAttribute('gen_ai.response.finish_reasons', reasons);
  if (response.usageMetadata !== undefined) addUsageMetadata(span, response.usageMetadata, latest);
}

/** The sources `gemloop.grounding.sources` lists at most; `source_count` says how many there were. */
const MAX_SPAN_SOURCES = 20;

/**
 * What grounded a model call's answer (Google Search, Maps, URL context, File Search: the first
 * candidate's `groundingChunks`, the one a run reads): `gemloop.grounding.source_count` always,
 * and with content capture `gemloop.grounding.sources`, the first 20 as JSON `[{ uri, title }]`
 * (a File Search chunk's store in place of its URI), each cut (a gateway's 1 MB URI is not a 1 MB
 * attribute). The GenAI conventions define no attribute for a model call's grounding
 * (`gen_ai.retrieval.documents` is a retrieval span's, by id), so this is gemloop's namespace.
 * `response` is the observer's, already redacted as the span's other content is.
 */
export function addGrounding(
  span: Span,
  response: GenerateContentResponse,
  content: boolean,
): void {
  const chunks = response.candidates?.[0]?.groundingMetadata?.groundingChunks;
  if (!Array.isArray(chunks) || chunks.length === 0) return;
  span.setAttribute('gemloop.grounding.source_count', chunks.length);
  if (!content) return;
  const text = (value: unknown, max: number): string | null =>
    typeof value === 'string' ? cutTextNoted(value, max) : null;
  const sources = chunks.slice(0, MAX_SPAN_SOURCES).map((chunk) => {
    // The wire is read leniently: a chunk of another shape lists as `{ uri: null, title: null }`.
    const source = chunk?.web ?? chunk?.retrievedContext ?? chunk?.maps;
    return {
      uri: text(source?.uri ?? chunk?.retrievedContext?.fileSearchStore, 2048),
      title: text(source?.title, 256),
    };
  });
  span.setAttribute('gemloop.grounding.sources', JSON.stringify(sources));
}

export function addUsageMetadata(span: Span, usage: UsageMetadata, latest: boolean): void {
  span.setAttribute('gen_ai.usage.input_tokens', inputTokens(usage));
  span.setAttribute('gen_ai.usage.output_tokens', outputTokens(usage));
  if (latest) {
    if (typeof usage.thoughtsTokenCount === 'number')
      span.setAttribute('gen_ai.usage.reasoning.output_tokens', usage.thoughtsTokenCount);
    if (typeof usage.cachedContentTokenCount === 'number')
      span.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cachedContentTokenCount);
  }
}

/**
 * `gemloop.cost.usd`: what the call or run cost in US dollars, beside the GenAI usage attributes
 * (the GenAI conventions define no cost attribute, so it is gemloop's own namespace). A double, as
 * backends sum it; the exact decimal is on the result and in the recording. An unknown cost sets
 * `gemloop.cost.unknown` to why, and no number.
 */
export function addCost(span: Span, cost: Cost): void {
  if (cost.total !== null) span.setAttribute('gemloop.cost.usd', Number(cost.total));
  else if (cost.unknown !== undefined) span.setAttribute('gemloop.cost.unknown', cost.unknown);
}

export function addUsage(span: Span, usage: AgentUsage, latest: boolean): void {
  span.setAttribute('gen_ai.usage.input_tokens', inputTokens(usage));
  span.setAttribute('gen_ai.usage.output_tokens', outputTokens(usage));
  if (latest) {
    span.setAttribute('gen_ai.usage.reasoning.output_tokens', usage.thoughtsTokenCount);
    span.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cachedContentTokenCount);
  }
}

type Counts = {
  promptTokenCount?: number | undefined;
  toolUsePromptTokenCount?: number | undefined;
  candidatesTokenCount?: number | undefined;
  thoughtsTokenCount?: number | undefined;
};

// Input includes cached and tool-use prompt tokens (the conventions: "all types of input
// tokens"); output includes thinking tokens, which Gemini bills as output.
export function inputTokens(usage: Counts): number {
  return (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
}

export function outputTokens(usage: Counts): number {
  return (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
}
