import { UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  DefaultExecutionEventBusManager,
  type ExecutionEventBus,
  type ServerCallContext,
} from '@a2a-js/sdk/server';

/**
 * The listeners the door itself puts on a task's bus, beside its resubscribers: the sending
 * request's queue, the SDK's state trackers, a durable follower's saver. Node's own default
 * allowance (10) covers them.
 */
const OWN_LISTENERS = 10;

/**
 * Node's `events.setMaxListeners`, where the runtime has it. Node's `EventTarget` (the SDK's bus
 * is one) warns `MaxListenersExceededWarning` past 10 listeners of a type; other runtimes do not
 * warn, and the A2A door runs on them too, so `node:events` is not imported.
 */
const setMaxListeners = (
  (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
    }
  ).process?.getBuiltinModule?.('node:events') as
    | { setMaxListeners?: (n: number, ...targets: EventTarget[]) => void }
    | undefined
)?.setMaxListeners;

/**
 * The SDK's bus manager (one event bus per task of a caller), holding at most `max`
 * resubscribers (`SubscribeToTask`) to a task's bus at once: past it a resubscribe is refused
 * with `UnsupportedOperationError` (JSON-RPC -32004) naming the limit, as each one holds a
 * stream and a listener. Each bus allows that many listeners more than Node's default, so a legal
 * number of resubscribers raises no `MaxListenersExceededWarning`. @internal
 */
export class TaskSubscribers extends DefaultExecutionEventBusManager {
  readonly #max: number;
  /** The resubscribers of each live bus. */
  readonly #counts = new WeakMap<ExecutionEventBus, number>();

  constructor(max: number) {
    super();
    this.#max = max;
  }

  override createOrGetByTaskId(taskId: string, context?: ServerCallContext): ExecutionEventBus {
    const existing = this.getByTaskId(taskId, context);
    if (existing !== undefined) return existing;
    const bus = super.createOrGetByTaskId(taskId, context);
    if (bus instanceof EventTarget) setMaxListeners?.(this.#max + OWN_LISTENERS, bus);
    return bus;
  }

  /**
   * A resubscription's `events`, counted against the task's live bus while they are read; a task
   * with no bus (nothing runs it here) is not counted: the SDK answers it at once.
   * @throws UnsupportedOperationError when the bus already has `max` resubscribers.
   */
  async *counted<T>(
    taskId: string,
    context: ServerCallContext,
    events: () => AsyncGenerator<T, void, undefined>,
  ): AsyncGenerator<T, void, undefined> {
    const bus = this.getByTaskId(taskId, context);
    if (bus === undefined) {
      yield* events();
      return;
    }
    const count = this.#counts.get(bus) ?? 0;
    if (count >= this.#max) {
      throw new UnsupportedOperationError(
        `The task already has ${this.#max} subscribers, the most the server allows (maxSubscribersPerTask): close one and subscribe again.`,
      );
    }
    this.#counts.set(bus, count + 1);
    try {
      yield* events();
    } finally {
      const left = (this.#counts.get(bus) ?? 1) - 1;
      if (left === 0) this.#counts.delete(bus);
      else this.#counts.set(bus, left);
    }
  }
}
