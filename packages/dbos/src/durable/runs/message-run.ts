import { InvalidArgumentError } from '@gemloop/core';
import { checkTopic, messageJson } from '@gemloop/core/internal';
import {
  type DurableSendOptions,
  type DurableSteerOptions,
  STEER_TOPIC,
  toDurableSteer,
} from '../steering/durable-steering.ts';
import { checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import type { RunAccessOptions } from './durable-run-types.ts';
import type { DurableRuns } from './durable-runs.ts';
import { checkAccess, checkRunning } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';

// Every option of each method, for checkOptionKeys (a misspelt `owner` refused, not ignored).
const ACCESS = { owner: true } as const satisfies Record<keyof RunAccessOptions, true>;
const STEER = { ...ACCESS, mode: true, idempotencyKey: true } as const satisfies Record<
  keyof (DurableSteerOptions & RunAccessOptions),
  true
>;
const SEND = { ...ACCESS, idempotencyKey: true } as const satisfies Record<
  keyof (DurableSendOptions & RunAccessOptions),
  true
>;

/** `runs.steer()`: a message for a running run's next turn. @internal */
export async function steerRun(
  backend: RunsBackend,
  ...[runId, message, options = {}]: Parameters<DurableRuns['steer']>
): Promise<void> {
  checkOptionKeys(options, STEER, 'runs.steer()');
  const { mode, idempotencyKey, owner } = options;
  checkRunId(runId);
  const steer = toDurableSteer(message, mode);
  await checkAccess(backend, runId, 'steer', owner);
  await checkRunning(backend, runId, 'steered');
  await backend.send(runId, steer, STEER_TOPIC, idempotencyKey ?? crypto.randomUUID());
}

/** `runs.send()`: a value on a topic the running run receives, checked as JSON. @internal */
export async function sendToRun(
  backend: RunsBackend,
  ...[runId, topic, value, options = {}]: Parameters<DurableRuns['send']>
): Promise<void> {
  checkOptionKeys(options, SEND, 'runs.send()');
  const { idempotencyKey, owner } = options;
  checkRunId(runId);
  const name = checkTopic(topic, 'runs.send()');
  // Sent as the JSON checked here: what the run receives is what was measured.
  const json = messageJson(name, value, 'runs.send()');
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== 'string' || idempotencyKey === '' || idempotencyKey.length > 200)
  )
    throw new InvalidArgumentError({
      argument: 'options.idempotencyKey',
      message: 'runs.send(): idempotencyKey must be a non-empty string of at most 200 characters.',
    });
  await checkAccess(backend, runId, 'send', owner);
  await checkRunning(backend, runId, 'sent');
  await backend.send(runId, JSON.parse(json), name, idempotencyKey ?? crypto.randomUUID());
}
