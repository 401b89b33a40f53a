import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { stripContentThoughtSignatures } from '../history/strip-thought-signatures.ts';
import type { Content } from '../wire/content.ts';

/** What {@link stripForeignSignatures} removed, for the run's one warning. @internal */
export type ForeignSignatures = {
  /** The other models whose turns lost their signatures, in order of appearance. */
  models: string[];
  /** How many model contents lost signatures. */
  turns: number;
};

/**
 * Whether two model names are the same model: equal once a `models/` prefix is dropped. Aliases
 * (`gemini-flash-latest` and what it points to) count as different: wrongly keeping a signature
 * is a 400, wrongly dropping one costs only the dummy signature.
 * @internal
 */
export function isSameModel(first: string, second: string): boolean {
  return withoutPrefix(first) === withoutPrefix(second);
}

/**
 * Removes, in place in `contents` (the run's own array; the contents themselves are copied on
 * write), the thought signatures of the old contents (`contents[0..oldLength)`) that another model
 * produced according to `historyModel`: one model for all of them, or one entry per old content
 * (`undefined`: this agent's model).
 *
 * @throws {@link InvalidArgumentError} for a `historyModel` that is not a model name or a list of
 *   one entry per old content.
 * @internal
 */
export function stripForeignSignatures(
  contents: Content[],
  {
    oldLength,
    historyModel,
    model,
  }: {
    oldLength: number;
    historyModel: string | readonly (string | undefined)[] | undefined;
    model: string;
  },
): ForeignSignatures | undefined {
  if (historyModel === undefined) return undefined;
  checkHistoryModel(historyModel, oldLength);
  let foreign: ForeignSignatures | undefined;
  for (let index = 0; index < oldLength; index++) {
    const producer = typeof historyModel === 'string' ? historyModel : historyModel[index];
    if (producer === undefined || isSameModel(producer, model)) continue;
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

function checkHistoryModel(
  historyModel: string | readonly (string | undefined)[],
  oldLength: number,
): void {
  if (typeof historyModel === 'string') {
    if (historyModel.trim() !== '') return;
  } else if (Array.isArray(historyModel)) {
    if (historyModel.length !== oldLength) {
      throw new InvalidArgumentError({
        argument: 'historyModel',
        message: `historyModel as a list needs one entry per content of the history (${oldLength}), got ${historyModel.length}. Give the model that produced each content (undefined for this agent's model), or one model name for the whole history.`,
      });
    }
    const bad = historyModel.findIndex(
      (entry: unknown) => entry !== undefined && (typeof entry !== 'string' || entry.trim() === ''),
    );
    if (bad === -1) return;
    throw new InvalidArgumentError({
      argument: `historyModel[${bad}]`,
      message: `historyModel[${bad}] must be a model name, or undefined for this agent's model; got ${JSON.stringify(historyModel[bad]) ?? String(historyModel[bad])}.`,
    });
  }
  throw new InvalidArgumentError({
    argument: 'historyModel',
    message: `historyModel must be the name of the model that produced the history (e.g. 'gemini-3-pro-preview', or 'unknown' when nobody knows), or one entry per content; got ${JSON.stringify(historyModel) ?? String(historyModel)}.`,
  });
}

function withoutPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice(7) : model;
}
