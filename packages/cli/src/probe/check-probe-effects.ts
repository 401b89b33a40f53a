// The probe's checks by effect: what an answer must show when the gateway passed the request on
// whole and the response back whole. Each takes parsed JSON and returns the problem, if any, in
// a few words for the report. Split from run-probe.ts.

import { type Answer, firstContent, isObject, readSseEvents } from './read-probe-answer.ts';

/**
 * Gemini's `FinishReason` names (the API's `Candidate.FinishReason` enum, and `MODEL_ARMOR` seen
 * on Vertex AI). Another name in the enum's shape (upper-case, `_`) passes as a value Google may
 * add; what fails is a name gemloop cannot read as Gemini's, such as OpenAI's `stop`.
 */
const FINISH_REASONS: ReadonlySet<string> = new Set([
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT',
  'NO_IMAGE',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'MODEL_ARMOR',
]);

/** Every `finishReason` string in the candidates of these responses, in order. @internal */
export function finishReasonsOf(responses: readonly unknown[]): string[] {
  const found: string[] = [];
  for (const response of responses) {
    const candidates = isObject(response) ? response['candidates'] : undefined;
    if (!Array.isArray(candidates)) continue;
    for (const candidate of candidates) {
      const reason = isObject(candidate) ? candidate['finishReason'] : undefined;
      if (reason !== undefined) found.push(typeof reason === 'string' ? reason : String(reason));
    }
  }
  return found;
}

/** The finish reasons that are not Gemini enum names, or `[]`. @internal */
export function foreignFinishReasons(reasons: readonly string[]): string[] {
  return [
    ...new Set(
      reasons.filter((reason) => !FINISH_REASONS.has(reason) && !/^[A-Z][A-Z0-9_]*$/.test(reason)),
    ),
  ];
}

/** The stream's chunks and the form they came in: SSE, the JSON array, or neither. @internal */
export function streamChunksOf(answer: Answer): {
  form: 'sse' | 'json-array' | undefined;
  chunks: unknown[];
} {
  if (answer.status !== 200) return { form: undefined, chunks: [] };
  const events = readSseEvents(answer.text);
  if (answer.contentType.startsWith('text/event-stream') && events.length > 0) {
    return { form: 'sse', chunks: events.map(parseOrText) };
  }
  if (Array.isArray(answer.json) && answer.json.length > 0 && answer.json.every(isGeminiChunk)) {
    return { form: 'json-array', chunks: answer.json };
  }
  return { form: undefined, chunks: [] };
}

/** Whether a stream chunk carries a candidate with content (not a usage-only or empty chunk). */
export function carriesContent(chunk: unknown): boolean {
  return firstContent(chunk) !== undefined;
}

/** Whether a stream element is a `GenerateContentResponse` chunk. @internal */
export function isGeminiChunk(value: unknown): boolean {
  return isObject(value) && ('candidates' in value || 'usageMetadata' in value);
}

function parseOrText(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/**
 * The probe's response schema: the answer must name a city and the country code `FR`, which a
 * model asked for JSON without the schema does not write (it writes `{"city": ...}` or its own
 * keys). No `additionalProperties`, so extra keys are the model's right.
 * @internal
 */
export const PROBE_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'A city in France.' },
    country_code: { type: 'string', enum: ['FR'], description: 'ISO 3166-1 alpha-2 code.' },
  },
  required: ['city', 'country_code'],
} as const;

/** How the answer breaks {@link PROBE_RESPONSE_SCHEMA}, or `undefined`. @internal */
export function schemaProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the answer is not JSON';
  }
  if (!isObject(value)) return 'the answer is not a JSON object';
  const problems: string[] = [];
  if (typeof value['city'] !== 'string') problems.push('no string "city"');
  if (value['country_code'] !== 'FR') problems.push('"country_code" is not the enum value "FR"');
  return problems.length === 0 ? undefined : problems.join(', ');
}

/** Whether the first candidate carries Google Search grounding (queries or sources). @internal */
export function hasGrounding(response: unknown): boolean {
  const candidates = isObject(response) ? response['candidates'] : undefined;
  const candidate = Array.isArray(candidates) ? candidates[0] : undefined;
  const grounding = isObject(candidate) ? candidate['groundingMetadata'] : undefined;
  if (!isObject(grounding)) return false;
  const queries = grounding['webSearchQueries'];
  const chunks = grounding['groundingChunks'];
  return (
    (Array.isArray(queries) && queries.length > 0) || (Array.isArray(chunks) && chunks.length > 0)
  );
}

/** What is wrong with a response's `usageMetadata`. @internal */
export type UsageProblem = {
  /** `missing`, `zero`, `inconsistent`, or `thoughts-folded`. */
  kind: 'missing' | 'zero' | 'inconsistent' | 'thoughts-folded';
  detail: string;
};

/**
 * Checks `usageMetadata` by what it must say about an answer that was generated: counts present,
 * a prompt and a total above 0, a total that is the sum the API documents (`totalTokenCount` is
 * "the sum of prompt_token_count, candidates_token_count, tool_use_prompt_token_count and
 * thoughts_token_count", `GenerateContentResponse.UsageMetadata` in the API reference; cached
 * tokens are part of the prompt), and thinking counted as thinking when thought parts came back.
 * @internal
 */
export function usageProblem(response: unknown): UsageProblem | undefined {
  const usage = isObject(response) ? response['usageMetadata'] : undefined;
  if (
    !isObject(usage) ||
    typeof usage['promptTokenCount'] !== 'number' ||
    typeof usage['totalTokenCount'] !== 'number'
  ) {
    return { kind: 'missing', detail: `usageMetadata is ${JSON.stringify(usage) ?? 'missing'}` };
  }
  const count = (name: string): number =>
    typeof usage[name] === 'number' ? (usage[name] as number) : 0;
  const prompt = count('promptTokenCount');
  const total = count('totalTokenCount');
  if (prompt <= 0 || total <= 0) {
    return {
      kind: 'zero',
      detail: `promptTokenCount ${prompt}, totalTokenCount ${total}: an answered request has tokens`,
    };
  }
  const candidates = count('candidatesTokenCount');
  const thoughts = count('thoughtsTokenCount');
  const toolUse = count('toolUsePromptTokenCount');
  const sum = prompt + candidates + thoughts + toolUse;
  if (sum !== total) {
    return {
      kind: 'inconsistent',
      detail: `totalTokenCount ${total} is not prompt ${prompt} + candidates ${candidates} + thoughts ${thoughts} + tool use ${toolUse} = ${sum}`,
    };
  }
  const content = firstContent(response);
  const thoughtParts = ((content?.['parts'] as unknown[] | undefined) ?? []).filter(
    (part) => isObject(part) && part['thought'] === true,
  );
  if (thoughtParts.length > 0 && thoughts === 0) {
    return {
      kind: 'thoughts-folded',
      detail: `the answer has ${thoughtParts.length} thought part(s) but thoughtsTokenCount is ${usage['thoughtsTokenCount'] ?? 'missing'} (candidatesTokenCount ${candidates}): thinking is counted as output`,
    };
  }
  return undefined;
}
