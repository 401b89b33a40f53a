import { DBOS } from '@dbos-inc/dbos-sdk';

/**
 * `signal`, also aborted when the run is cancelled while this step runs (DBOS's
 * `DBOS.stepStatus.cancelSignal`, fed by its cancellation poller): a cancelled run stops its tool
 * or model call instead of waiting for it to end. Outside a step, `signal` itself.
 * @internal
 */
export function withCancelSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  const cancelled = DBOS.stepStatus?.cancelSignal;
  if (cancelled === undefined) return signal;
  return signal === undefined ? cancelled : AbortSignal.any([signal, cancelled]);
}
