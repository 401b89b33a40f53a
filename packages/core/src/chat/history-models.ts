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
  const producers: (string | undefined)[] = [];
  let foreign = false;
  for (let index = start; index < turns.length; index++) {
    const producer = producerOf(turns[index] as ChatTurn, model, turnsWithoutModel);
    producers.push(producer);
    if (producer !== undefined) foreign = true;
  }
  if (!foreign) return undefined;
  const models: (string | undefined)[] = [];
  for (let index = start; index < turns.length; index++) {
    const producer = producers[index - start];
    for (let count = (turns[index] as ChatTurn).contents.length; count > 0; count--) {
      models.push(producer);
    }
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
  if (typeof recorded !== 'string' || recorded === '') {
    return turnsWithoutModel === 'other-model' ? UNKNOWN_MODEL : undefined;
  }
  return isSameModel(recorded, model) ? undefined : recorded;
}
