import { InvalidArgumentError } from '@gemloop/core';
import { INTERACTION_ID } from '../interactions/interaction-id-of.ts';
import { INTERACTION_TOPIC, takeInteractionWaits } from '../interactions/interaction-waits.ts';
import type { RunsBackend } from './runs-backend.ts';

/**
 * `runs.wakeInteraction()`: wakes each run waiting on the interaction, once per wait, and
 * re-enqueues those stopped while they waited. @internal
 */
export async function wakeInteraction(
  backend: RunsBackend,
  interactionId: string,
): Promise<{ runIds: string[] }> {
  if (typeof interactionId !== 'string' || !INTERACTION_ID.test(interactionId)) {
    throw new InvalidArgumentError({
      argument: 'interactionId',
      message:
        'runs.wakeInteraction(interactionId): interactionId must be the id of an interaction (letters, digits, `.`, `_`, `~`, `-`; at most 512 characters).',
    });
  }
  const woken = await takeInteractionWaits(backend.pool, interactionId);
  for (const { runId, resume, wait } of woken) {
    // Keyed by interaction, run and the wait taken: a webhook Google retries wakes each wait
    // once, and a run that waits on the interaction again is woken again. Sent before the
    // resume: the replayed run finds it waiting.
    await backend.send(
      runId,
      { interactionId },
      INTERACTION_TOPIC,
      `wake:${interactionId}:${runId}:${wait}`,
    );
    // Stopped while it waited (no worker slot held): re-enqueued, replayed by any worker.
    if (resume) await backend.resume(runId);
  }
  return { runIds: woken.map((run) => run.runId) };
}
