import type { AgentRunState, AgentStep } from '../../run/agent-result.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { ForeignResponseError, type ForeignResponseFormat } from './foreign-response-error.ts';

// The module the loop loads only for a response without candidates (resolve-outcome.ts): a
// Gemini answer never loads it, and its bytes are a lazy chunk of a browser bundle.

/** Top-level fields only Gemini's `GenerateContentResponse` has: one of them and it is Gemini's. */
const GEMINI_FIELDS = [
  'candidates',
  'promptFeedback',
  'usageMetadata',
  'modelVersion',
  'responseId',
];

/**
 * Which other API's shape a model step's response has, if any: read only for a response the loop
 * refuses already (no candidates: re-asked as empty, or ended as interrupted), so an answer that
 * is Gemini's never pays for it. A streamed body's chunks are folded into one response whose
 * top-level fields are each chunk's last, so OpenAI's stream chunks read as `choices` too.
 * @internal
 */
export function foreignFormatOf(
  response: GenerateContentResponse,
): ForeignResponseFormat | undefined {
  const body = response as Record<string, unknown>;
  if (GEMINI_FIELDS.some((field) => body[field] !== undefined && body[field] !== null))
    return undefined;
  if (Array.isArray(body['choices'])) return 'openai-chat-completion';
  if (body['object'] === 'response' && Array.isArray(body['output'])) return 'openai-responses';
  const type = body['type'];
  if (
    typeof type === 'string' &&
    (type === 'message' || type.startsWith('message_') || type.startsWith('content_block_'))
  )
    return 'anthropic-messages';
  return undefined;
}

/**
 * The run's failure (the loop's `fail` step) when a step's response is another API's body (see {@link foreignFormatOf}),
 * else `undefined`: the loop resolves the step as it would have. Loaded by the loop only for a
 * response without candidates.
 * @internal
 */
export function foreignStep(
  step: AgentStep,
): { type: 'fail'; error: (run: AgentRunState) => ForeignResponseError } | undefined {
  const format = foreignFormatOf(step.response);
  if (format === undefined) return undefined;
  return { type: 'fail', error: (run) => new ForeignResponseError({ format, run }) };
}
