import type { Content } from '../../wire/content.ts';
import { fillMissingThoughtSignatures } from './fill-missing-thought-signatures.ts';
import {
  listRequiredThoughtSignatures,
  type RequiredThoughtSignature,
} from './list-required-thought-signatures.ts';
import {
  type ForeignSignatures,
  stripForeignThoughtSignatures,
} from './strip-foreign-thought-signatures.ts';

/** What {@link prepareThoughtSignatures} did, for the caller's one warning. @internal */
export type PreparedThoughtSignatures = {
  /** The history to send: `contents` itself, or a copy where signatures changed. */
  contents: Content[];
  /** Signatures of other models' turns that were removed, if any. */
  foreign: ForeignSignatures | undefined;
  /** The function calls that got the documented dummy signature. */
  filled: RequiredThoughtSignature[];
};

/**
 * The thought-signature rules for a history given to a model, in one place (wire reference
 * section 6):
 *
 * 1. signatures are bound to the model that issued them (rule 8): the model contents another
 *    model produced (`producers`, one entry per content, from the turns' `model`) lose theirs;
 * 2. Gemini 3 rejects a history whose first `functionCall` of a model turn in the active loop has
 *    no signature (rules 2-4): when `requiresThoughtSignatures`, those parts, and only those, get
 *    the documented dummy `skip_thought_signature_validator` (rule 9). A part that has a
 *    signature is never touched.
 *
 * `contents` is the run's own array (changed in place for 1); the caller's content objects are
 * never mutated: the changed contents are copies (copy-on-write). Only for input history: turns
 * the model produces in the run are appended verbatim (see {@link fillModelTurnSignature}).
 * @internal
 */
export function prepareThoughtSignatures(
  contents: Content[],
  {
    producers,
    requiresThoughtSignatures,
  }: {
    producers: readonly (string | undefined)[] | undefined;
    requiresThoughtSignatures: boolean;
  },
): PreparedThoughtSignatures {
  const foreign =
    producers === undefined ? undefined : stripForeignThoughtSignatures(contents, producers);
  const filled = requiresThoughtSignatures
    ? listRequiredThoughtSignatures(contents).filter((required) => !required.signed)
    : [];
  return {
    contents:
      filled.length === 0 ? contents : (fillMissingThoughtSignatures(contents) as Content[]),
    foreign,
    filled,
  };
}
