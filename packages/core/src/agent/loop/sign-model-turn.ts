import { freezeModelContent } from '../../history/freeze-model-content.ts';
import { fillModelTurnSignature } from '../../history/thought-signatures/fill-model-turn-signature.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Content } from '../../wire/content.ts';

/**
 * The model's own function-call turn, as appended to the history: itself in every normal case;
 * on a model that requires thought signatures, a copy with the documented dummy on a first call
 * that came back unsigned (see {@link fillModelTurnSignature}), with a warning.
 * @internal
 */
export function signModelTurn(
  content: Content,
  {
    requiresThoughtSignatures,
    logger,
  }: {
    requiresThoughtSignatures: boolean;
    /** The agent's logger: its child binding names the model (a `model` field here repeated the key). */
    logger: Logger;
  },
): Content {
  if (!requiresThoughtSignatures) return content;
  const signed = fillModelTurnSignature(content);
  if (signed !== content) {
    logger.warn(
      {
        toolName: content.parts.find((part) => part.functionCall != null)?.functionCall?.name,
      },
      'the model returned a function call without the thought signature Gemini 3 requires (a gateway may have stripped it); sending the documented dummy signature so the next request is accepted',
    );
  }
  // The turn as `recordStep` left it, or the run's own copy with the dummy, frozen: the rare turn
  // that needs one, which is no step's content for a plugin joining later to freeze.
  return signed === content ? content : freezeModelContent(signed);
}
