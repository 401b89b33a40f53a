import { SteeringError } from '../errors/steering-error.ts';
import { withDefaults } from '../options/define-options.ts';
import type { Content } from '../wire/content.ts';
import { RECEIVED_STEER_DEFAULTS, type ReceivedSteer } from './steering-options.ts';
import {
  type PendingSteer,
  type SteeringListener,
  type SteeringQueue,
  toUserContent,
} from './steering-queue.ts';

// What the steering plugin does with a queue at a run's boundaries, apart from the queue: a stream
// or a chat send holds a queue from its first steer, before the plugin loads (`import()`), and
// these come with the plugin, not with every agent app (bench/RESULTS.md, "bytes4").

/**
 * Binds the queue to a run: the messages already waiting are reported to it at once.
 * @throws {@link SteeringError} `in-use` while another run holds it.
 * @internal
 */
export function bindQueue(queue: SteeringQueue, listener: SteeringListener): void {
  if (queue.listener !== undefined) {
    throw new SteeringError({
      reason: 'in-use',
      message:
        'This steering controller already steers a running agent; one controller steers one run at a time. Make one per run with createSteering(), or wait for the first run to end.',
    });
  }
  queue.listener = listener;
  for (const steer of queue.waiting) listener({ status: 'received', steer });
}

/**
 * Unbinds the run; what still waits is dropped and returned (the run reports it).
 * @internal
 */
export function unbindQueue(queue: SteeringQueue): PendingSteer[] {
  queue.listener = undefined;
  // A message given to a finished one-run controller would wait for a run that never comes.
  if (queue.oneRun) queue.closed = true;
  const left = queue.waiting;
  queue.waiting = [];
  return left;
}

/**
 * Takes the steers (`answered: false`) or every message (`answered: true`), oldest first.
 * @internal
 */
export function takeSteers(queue: SteeringQueue, answered: boolean): PendingSteer[] {
  if (queue.waiting.length === 0) return [];
  if (answered) {
    const all = queue.waiting;
    queue.waiting = [];
    return all;
  }
  const steers = queue.waiting.filter((steer) => steer.mode === 'steer');
  if (steers.length > 0) queue.waiting = queue.waiting.filter((steer) => steer.mode !== 'steer');
  return steers;
}

/**
 * Adds what `receive` brought; past `maxPending` the rest is returned, to be reported dropped
 * (it came from elsewhere: refusing it would throw inside the run).
 * @internal
 */
export function addReceived(
  queue: SteeringQueue,
  received: readonly ReceivedSteer[],
): PendingSteer[] {
  const dropped: PendingSteer[] = [];
  for (const entry of received) {
    // A store may hand back anything: an entry that is not an object is skipped, as a
    // malformed message is (destructuring null would end the run with a TypeError), and one
    // over `maxMessageBytes`.
    if (typeof entry !== 'object' || entry === null) continue;
    let content: Content;
    let mode: ReceivedSteer['mode'];
    try {
      // Read inside the try: a getter or a Proxy trap of the store's that throws makes the entry
      // malformed, skipped as the others are, not a PluginError that ends the run.
      const { message } = entry;
      ({ mode } = withDefaults(RECEIVED_STEER_DEFAULTS, entry));
      content = toUserContent(message, mode, queue.maxMessageBytes);
    } catch {
      continue;
    }
    const steer: PendingSteer = { mode: mode === 'queue' ? 'queue' : 'steer', content };
    if (queue.waiting.length >= queue.maxPending) {
      dropped.push(steer);
      continue;
    }
    queue.waiting.push(steer);
    queue.listener?.({ status: 'received', steer });
  }
  return dropped;
}
