import type { Content } from '../../wire/content.ts';
import { stripContentThoughtSignatures } from './strip-thought-signatures.ts';

/** What {@link stripForeignThoughtSignatures} removed, for the run's one warning. @internal */
export type ForeignSignatures = {
  /** The other models whose turns lost their signatures, in order of appearance. */
  models: string[];
  /** How many model contents lost signatures. */
  turns: number;
};

/**
 * Removes, in place in `contents` (the run's own array; the contents themselves are copied on
 * write), the thought signatures of the contents another model produced: `producers[index]`, one
 * entry per content from the turns they came from (`undefined`: the running model's own).
 * @internal
 */
export function stripForeignThoughtSignatures(
  contents: Content[],
  producers: readonly (string | undefined)[],
): ForeignSignatures | undefined {
  let foreign: ForeignSignatures | undefined;
  for (let index = 0; index < producers.length; index++) {
    const producer = producers[index];
    if (producer === undefined) continue;
    const content = contents[index] as Content;
    const stripped = stripContentThoughtSignatures(content);
    if (stripped === content) continue;
    contents[index] = stripped;
    foreign ??= { models: [], turns: 0 };
    foreign.turns++;
    if (!foreign.models.includes(producer)) foreign.models.push(producer);
  }
  return foreign;
}
