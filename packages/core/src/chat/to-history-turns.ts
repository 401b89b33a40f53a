import type { HistoryTurn } from '../history/history-turn.ts';
import { isSameModel } from '../history/thought-signatures/is-same-model.ts';
import type { AgentStep } from '../run/agent-result.ts';
import type { ChatTurn } from './history-store.ts';

/** The model name given for turns of an unknown model treated as another model's. @internal */
export const UNKNOWN_MODEL = 'unknown';

/**
 * The stored turns sent (`turns[start..]`) as the agent's history turns, each with the model that
 * wrote it: `undefined` when every one is the agent's model's (the common case: the history goes
 * as plain contents and nothing is allocated). A turn that records no model is the agent's with
 * `turnsWithoutModel: 'same-model'`, {@link UNKNOWN_MODEL}'s with `'other-model'`.
 * @internal
 */
export function toHistoryTurns(
  turns: readonly ChatTurn[],
  {
    start,
    model,
    turnsWithoutModel,
  }: { start: number; model: string; turnsWithoutModel: 'same-model' | 'other-model' },
): HistoryTurn[] | undefined {
  let index = start;
  while (
    index < turns.length &&
    producerOf(turns[index] as ChatTurn, model, turnsWithoutModel) === undefined
  ) {
    index++;
  }
  if (index === turns.length) return undefined;
  const sent: HistoryTurn[] = new Array(turns.length - start);
  for (let turnIndex = start; turnIndex < turns.length; turnIndex++) {
    const turn = turns[turnIndex] as ChatTurn;
    sent[turnIndex - start] = {
      contents: turn.contents,
      model: producerOf(turn, model, turnsWithoutModel),
    };
  }
  return sent;
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
  if (typeof recorded !== 'string' || recorded.trim() === '') {
    return turnsWithoutModel === 'other-model' ? UNKNOWN_MODEL : undefined;
  }
  return isSameModel(recorded, model) ? undefined : recorded;
}

/**
 * The model to store with a turn: the agent's, or, when a plugin sent some of its calls to another
 * model (`step.model`, a fallback), that model when it served every call, else
 * {@link UNKNOWN_MODEL} (a turn two models wrote has no one producer: the next send leaves its
 * signatures out, as for any other model's turn; the API validates only the current turn's). @internal
 */
export function turnProducer(steps: readonly AgentStep[], model: string): string {
  let served: string | undefined;
  for (const step of steps) {
    if (step.kind === 'resume') continue;
    const by = step.model ?? model;
    if (served === undefined) served = by;
    else if (!isSameModel(served, by)) return UNKNOWN_MODEL;
  }
  return served === undefined || isSameModel(served, model) ? model : served;
}
