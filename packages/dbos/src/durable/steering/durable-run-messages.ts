import { DBOS } from '@dbos-inc/dbos-sdk';
import type { RunServices } from '@gemloop/core/internal';
import { isUnreadableValue } from '../runs/stored-run-data.ts';
import { toReplayMismatch } from '../steps/replay-mismatch.ts';
import type { SteerCheck, SteerWatch } from './durable-steering.ts';

/**
 * The receive service of the runner's runs (`RunServices.receive`, what `run.receive(topic)` of a
 * plugin and core's steering plugin read): at a step boundary of a top run, the messages sent to
 * the run on `topic` (`runs.send`, `runs.steer`), read with `DBOS.recv(topic, 0)` (no wait) until
 * none is left or `max` were read, only when the run's check marks the topic due (see
 * {@link SteerWatch}); otherwise `[]` with no statement. Each recv is an operation of the
 * workflow, outside any step (DBOS refuses `recv` inside one): DBOS consumes the message and
 * records what it returned in one transaction, and a replay (a worker taking the run over after
 * a SIGKILL) gets the recorded value back instead of consuming again, so a message is received
 * once, at the same boundary (https://docs.dbos.dev/typescript/tutorials/workflow-communication:
 * "Each call to recv() waits for and consumes the next message"; @dbos-inc/dbos-sdk 5.3.0
 * system_database.js `recv`: the UPDATE ... SET consumed and `recordOperationResultInternal`
 * share a transaction, and a recorded result is returned first). The values are returned as
 * DBOS holds them: core checks them as hostile (plain JSON, 256 KB) and reports what it drops.
 * @internal
 */
// why (sentinel): compared by identity inside this module, carries nothing.
/** What a message DBOS could not parse is handed on as: not JSON, so core drops and reports it. */
const UNREADABLE_MESSAGE: unique symbol = Symbol('unreadable message');

export function createDurableReceive({
  checkOf,
  watch,
}: {
  /** The steering check of the execution whose code is running, if any (worker-run-events.ts). */
  checkOf: () => SteerCheck | undefined;
  watch: SteerWatch;
}): NonNullable<RunServices['receive']> {
  return async (topic, max) => {
    const check = checkOf();
    // Outside a run of this worker (no workflow, or one that is not a run): nothing to read.
    if (check === undefined || !DBOS.isInWorkflow()) return [];
    if (check.topics.get(topic) === false) return [];
    // Stays due when the read stops at its bound: the rest is read at the next boundary. A
    // message announced from here on is looked at again by the next step.
    check.topics.set(topic, false);
    watch.reading(topic);
    const received: unknown[] = [];
    for (;;) {
      if (received.length >= max) {
        check.topics.set(topic, true);
        break;
      }
      let next: unknown;
      try {
        next = await DBOS.recv<unknown>(topic, 0);
      } catch (error) {
        // A message DBOS cannot parse (a row written by hand or cut short): DBOS consumed and
        // recorded it before parsing, so a replay meets the same. Handed on as a value that is
        // no JSON, which core drops and reports; thrown, it ended the run (attack24).
        // Another operation recorded here (a plugin that reads messages added or removed by a
        // deploy between a crash and the recovery): the run ends typed (attack45a).
        if (!isUnreadableValue(error)) throw toReplayMismatch(error);
        next = UNREADABLE_MESSAGE;
      }
      if (next === null || next === undefined) break;
      received.push(next);
    }
    return received;
  };
}
