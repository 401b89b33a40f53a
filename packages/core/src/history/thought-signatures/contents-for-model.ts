import type { Content } from '../../wire/content.ts';
import { fillMissingThoughtSignatures } from './fill-missing-thought-signatures.ts';
import { isSameModel } from './is-same-model.ts';
import { stripContentThoughtSignatures } from './strip-thought-signatures.ts';

/**
 * The contents to send to `model`, following Google's rule for a history another model wrote.
 *
 * Thought signatures are bound to the model that issued them: another model refuses one with
 * `400 Invalid thought signature` (wire reference section 6, rule 8). For a history it did not
 * produce, the thought-signatures FAQ (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs,
 * "transfer history from a different model") says to put the documented dummy
 * `skip_thought_signature_validator` where Gemini 3 requires a signature: on the first
 * `functionCall` of each model turn of the active loop (rules 4 and 9), which is all the API
 * validates ("we do not validate previous turns"). So: every model content `model` did not
 * produce loses its signatures (a copy; the run's history keeps them verbatim), then, when `model`
 * requires signatures, the dummy goes where one is missing (stripped here, or never there: a
 * Gemini 2.5 turn's call). Contents `model` produced itself
 * keep theirs.
 *
 * `producerOf` names the model that wrote a content. Returns `contents` itself when nothing
 * changed (so the loop sends its own history, compacted as usual). @internal
 */
export function contentsForModel(
  contents: readonly Content[],
  model: string,
  producerOf: (content: Content) => string,
  requiresThoughtSignatures: boolean,
): readonly Content[] {
  let sent: Content[] | undefined;
  for (let index = 0; index < contents.length; index++) {
    const content = contents[index] as Content;
    if (content.role !== 'model' || isSameModel(producerOf(content), model)) continue;
    const stripped = stripContentThoughtSignatures(content);
    if (stripped === content) continue;
    sent ??= contents.slice();
    sent[index] = stripped;
  }
  // Filled whether or not a signature was stripped: a turn another model made without one (a
  // Gemini 2.5 call) needs the dummy as much as one stripped here.
  const stripped = sent ?? contents;
  return requiresThoughtSignatures ? fillMissingThoughtSignatures(stripped) : stripped;
}
