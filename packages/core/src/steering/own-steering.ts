import type { StreamSteering } from '../agent/agent-stream.ts';
import type { LatePlugins } from '../agent/plugins/run-plugins.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { SteeringQueue } from './steering-queue.ts';

/**
 * The steering of one run that was given no controller (a stream's own, a chat send's): its
 * first message makes the queue and loads the steering plugin (`import()`), which joins the run
 * at its next boundary (`late`); until then the run loads and runs nothing of steering or of the
 * plugin seam. Once the run is over, a message is refused (`run-ended`).
 * @throws {@link SteeringError} from `add`: `run-ended`, and what the queue refuses.
 * @internal
 */
export function ownSteering(late: LatePlugins): StreamSteering {
  let queue: SteeringQueue | undefined;
  return {
    add(mode, message) {
      if (late.closed)
        throw new SteeringError({
          reason: 'run-ended',
          message: `This run is over, so ${mode}() has nothing to steer. Send the message as a new run (or a chat send).`,
        });
      const first = queue === undefined;
      queue ??= new SteeringQueue({}, true);
      // Checked before anything loads: a message the API would refuse throws here.
      // Received during the step under way, as a controller's message is reported (its step).
      queue.add(mode, message, (late.steps?.length ?? 0) + 1);
      if (!first) return;
      const own = queue;
      late.joining = import('../steering/steering-plugin.ts').then(({ steeringPlugin }) => [
        steeringPlugin(own),
      ]);
    },
    closed: () => late.closed || queue?.closed === true,
  };
}
