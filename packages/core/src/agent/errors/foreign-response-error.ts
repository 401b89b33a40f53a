import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
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
