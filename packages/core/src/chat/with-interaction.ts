import type { RunOptions } from '../agent/config/agent-options.ts';
import type { HistoryTurn } from '../history/history-turn.ts';
import type { Content } from '../wire/content.ts';

/**
 * The history a send gives its run: the stored turns' contents (or turns, where another model
 * wrote some), the last one naming the interaction that holds the conversation on the server when
 * the stored last turn has one (api: interactionsApi()). Only for a history sent whole: after a limit
 * dropped turns, the server's copy holds more than the send may, so it goes whole as steps.
 * @internal
 */
export function withInteraction(
  sentTurns: HistoryTurn[] | undefined,
  contents: Content[],
  interactionId: string | undefined,
): RunOptions['history'] {
  if (interactionId === undefined) return sentTurns ?? contents;
  if (sentTurns === undefined) return [{ contents, interactionId }];
  const last = sentTurns.at(-1);
  if (last === undefined) return sentTurns;
  return [...sentTurns.slice(0, -1), { ...last, interactionId }];
}
