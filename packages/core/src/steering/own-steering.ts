import type { StreamSteering } from '../agent/agent-stream.ts';
import type { LatePlugins } from '../agent/plugins/run-plugins.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { SteeringQueue } from './steering-queue.ts';

/**
 * The steering of one run that was given no controller (a stream's own, a chat send's): its
 * first message makes the queue and loads the steering plugin (`import()`), which joins the run
 * at its next boundary (`late`); until then the run loads and runs nothing of steering or of the
 * plugin seam. Once the run is over or aborted, a message is refused (`run-ended`).
 * @throws {@link SteeringError} from `add`: `run-ended`, and what the queue refuses.
 * @internal
 */
export function ownSteering(late: LatePlugins): StreamSteering {
  let queue: SteeringQueue | undefined;
  // The first message (a steer, or one for the run's plugins) makes the queue and loads the
  // plugin, which binds it to the run at its next boundary.
  const join = (own: SteeringQueue): void => {
    if (queue !== undefined) return;
    queue = own;
    late.joining = import('../steering/steering-plugin.ts').then(({ steeringPlugin }) => [
      steeringPlugin(own),
    ]);
  };
  return {
    add(mode, message) {
      // Aborted (the caller's signal, or agent.close(), which a chat session does not see), the
      // run takes no more steps: a message taken would be lost (chat68, core2).
      if (late.closed || late.holding?.context?.signal.aborted)
        throw new SteeringError({
          reason: 'run-ended',
          message: `This run is over, so ${mode}() has nothing to steer. Send the message as a new run (or a chat send).`,
        });
      const own = queue ?? new SteeringQueue({}, true);
      // Checked before anything loads or joins: a message the API would refuse throws here.
      // Received during the step under way, as a controller's message is reported (its step).
      own.add(mode, message, (late.holding?.context?.run.steps.length ?? 0) + 1);
      join(own);
    },
    send(topic, value) {
      // Once the run is over, a closed queue refuses it (`run-ended`) and nothing joins.
      const own = queue ?? new SteeringQueue({}, true);
      if (late.closed) own.closed = true;
      else join(own);
      return own.send(topic, value);
    },
    closed: () => late.closed || queue?.closed === true,
  };
}
