import { fillMissingThoughtSignatures } from '../history/fill-missing-thought-signatures.ts';
import { listRequiredThoughtSignatures } from '../history/list-required-thought-signatures.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../history/thought-signature-bypass.ts';
import { isLevelEnabled, type Logger } from '../logging/logger.ts';
import type { Content } from '../wire/content.ts';
import type { ForeignSignatures } from './strip-foreign-signatures.ts';

/**
 * Gemini 3 rejects a history whose first `functionCall` of a model turn in the active loop has no
 * thought signature (wire reference section 6, rules 2-4). History the caller supplies may lack
 * them (another model or vendor, hand-built, a store that dropped them, or signatures of another
 * model removed by `historyModel`): those parts, and only those, get the documented dummy
 * `skip_thought_signature_validator` (rule 9), with a warning. A part that has a signature is
 * never touched, and the caller's objects are never mutated: the changed contents are copies
 * (copy-on-write, see `fillMissingThoughtSignatures`).
 *
 * One warning per run at most: when `foreign` says signatures of other models were removed, it
 * names those models and the parts that get the dummy.
 *
 * Only for input history: turns the model produced in this run are appended verbatim.
 * @internal
 */
export function ensureThoughtSignatures(
  contents: Content[],
  {
    requiresThoughtSignatures,
    logger,
    model,
    foreign,
  }: {
    requiresThoughtSignatures: boolean;
    logger: Logger;
    model: string;
    foreign?: ForeignSignatures | undefined;
  },
): Content[] {
  const missing = requiresThoughtSignatures
    ? listRequiredThoughtSignatures(contents).filter((required) => !required.signed)
    : [];
  if (foreign !== undefined) {
    if (isLevelEnabled(logger, 'warn')) {
      logger.warn(
        {
          model,
          historyModels: foreign.models,
          strippedTurns: foreign.turns,
          dummySignatureParts: missing.map(
            ({ contentIndex, partIndex }) => `contents[${contentIndex}].parts[${partIndex}]`,
          ),
        },
        `removed the thought signatures of ${foreign.turns} model turn(s) produced by ${foreign.models.join(', ')} before sending them to ${model}: signatures are bound to the model that issued them (another model answers 400 "Invalid thought signature")${missing.length > 0 ? `; the documented dummy signature goes on the ${missing.length} function call(s) that require one` : ''}`,
      );
    }
  } else if (missing.length > 0) {
    logger.warn(
      {
        model,
        parts: missing.map(
          ({ contentIndex, partIndex }) => `contents[${contentIndex}].parts[${partIndex}]`,
        ),
        signature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
      },
      'input history has function calls without the thought signature Gemini 3 requires; sending the documented dummy signature on them (history from another model, hand-built, or stored without signatures)',
    );
  }
  if (missing.length === 0) return contents;
  return fillMissingThoughtSignatures(contents) as Content[];
}

/**
 * The model's own function-call turn, as appended to the history: itself, untouched, in every
 * normal case. Only when a model that requires signatures (Gemini 3) returned its first call
 * without one, which the API never does but a gateway that strips unknown fields would, the turn
 * is appended as a copy whose first call carries the documented dummy signature, with a warning:
 * sent back unsigned, the next request would fail with 400 "missing a thought_signature".
 * @internal
 */
export function signModelTurn(
  content: Content,
  {
    requiresThoughtSignatures,
    logger,
    model,
  }: {
    requiresThoughtSignatures: boolean;
    logger: Logger;
    model: string;
  },
): Content {
  if (!requiresThoughtSignatures) return content;
  const { parts: contentParts } = content;
  let index = 0;
  while (index < contentParts.length && contentParts[index]?.functionCall == null) index++;
  if (index === contentParts.length) return content;
  const first = content.parts[index] as Content['parts'][number];
  if (typeof first.thoughtSignature === 'string' && first.thoughtSignature !== '') return content;
  logger.warn(
    { model, toolName: first.functionCall?.name },
    'the model returned a function call without the thought signature Gemini 3 requires (a gateway may have stripped it); sending the documented dummy signature so the next request is accepted',
  );
  const parts = content.parts.slice();
  parts[index] = { ...first, thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR };
  return { ...content, parts };
}
