import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState, AgentStep } from '../../run/agent-result.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { AgentRunError } from './agent-run-error.ts';

/** The other API a 200 body was recognised as, on {@link ForeignResponseError}. */
export type ForeignResponseFormat =
  | 'openai-chat-completion'
  | 'openai-responses'
  | 'anthropic-messages';

const DESCRIPTIONS: Record<ForeignResponseFormat, string> = {
  'openai-chat-completion': 'an OpenAI-style chat completion (`choices`)',
  'openai-responses': 'an OpenAI Responses API object (`output`)',
  'anthropic-messages': 'an Anthropic-style message (`type: "message"`)',
};

/**
 * A model call answered 200 with a body in another API's shape (an OpenAI chat completion, an
 * OpenAI Responses object, an Anthropic message), which gemloop's lenient check reads as a
 * Gemini response with no candidates. Most often the base URL points at a gateway's
 * OpenAI-compatible route instead of its Gemini-native one. The same error streamed and unary,
 * on the first such answer (re-asking gets the same body again).
 */
export class ForeignResponseError extends AgentRunError {
  override readonly code = 'foreign-response';
  /** Which API's shape the body had. */
  readonly format: ForeignResponseFormat;

  constructor({ format, run }: { format: ForeignResponseFormat; run: AgentRunState }) {
    super({
      message:
        `The model call returned a body that is not a Gemini response: it looks like ${DESCRIPTIONS[format]}. ` +
        'The base URL most likely points at another API or at a gateway’s OpenAI-compatible route: set ' +
        'createGemini’s baseUrl to a Gemini-native endpoint (Google: https://generativelanguage.googleapis.com; ' +
        'a gateway: the base under which it serves /v1beta/models/{model}:generateContent, e.g. https://api.cometapi.com).',
      run,
    });
    this.format = format;
  }

  static override isInstance(error: unknown): error is ForeignResponseError {
    return GemloopError.hasCode(error, 'foreign-response');
  }
}

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
