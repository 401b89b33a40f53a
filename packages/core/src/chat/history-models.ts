import { isSameModel } from '../agent/strip-foreign-signatures.ts';
import type { ChatTurn } from './history-store.ts';

/** The model name given for turns of an unknown model treated as another model's. @internal */
export const UNKNOWN_MODEL = 'unknown';

/**
 * The agent's `historyModel` for the stored turns sent (`turns[start..]`): `undefined` when every
 * one is the agent's model's (the common case: nothing is allocated), else one entry per content,
 * the model of its turn where that is another model, `undefined` where it is the agent's.
 * @internal
 */
export function historyModelsOf(
  turns: readonly ChatTurn[],
  {
    start,
    model,
    turnsWithoutModel,
  }: { start: number; model: string; turnsWithoutModel: 'same-model' | 'other-model' },
): (string | undefined)[] | undefined {
  let index = start;
  while (
    index < turns.length &&
    producerOf(turns[index] as ChatTurn, model, turnsWithoutModel) === undefined
  ) {
    index++;
  }
  if (index === turns.length) return undefined;
  const models: (string | undefined)[] = [];
  for (let turnIndex = start; turnIndex < turns.length; turnIndex++) {
    const turn = turns[turnIndex] as ChatTurn;
    const producer = producerOf(turn, model, turnsWithoutModel);
    for (let count = turn.contents.length; count > 0; count--) models.push(producer);
  }
  return models;
}

/** The other model that produced a turn, or `undefined` when it is the agent's own. */
function producerOf(
  turn: ChatTurn,
  model: string,
  turnsWithoutModel: 'same-model' | 'other-model',
): string | undefined {
  const recorded: unknown = turn.model;
  // The usual case, checked first: every stored turn names the agent's model as given.
  if (recorded === model) return undefined;
  if (typeof recorded !== 'string' || recorded === '') {
    return turnsWithoutModel === 'other-model' ? UNKNOWN_MODEL : undefined;
  }
  return isSameModel(recorded, model) ? undefined : recorded;
}
