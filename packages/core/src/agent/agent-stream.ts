import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { SteeringError } from '../errors/steering-error.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { SteeringMessage } from '../run/steering-controller.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import { followSignal, holdAbortListener, isAbortSignal } from '../shared/on-abort.ts';
import type { AgentEvent, AgentPath, UntaggedAgentEvent } from './agent-event.ts';

/**
 * What `agent.stream()` returns: the run's events as an async iterable, and the same result `run()`
 * gives as a promise. The events have one reader: a second loop (or `toReadableStream()`) over
 * the same stream throws an `InvalidArgumentError` instead of splitting the events between them.
 *
 * The run starts at once and does not wait for the consumer: events queue up until read.
 * Breaking out of the iteration (or calling `return()`) aborts the run; `result` then rejects with
 * an `AgentAbortedError` that holds the history so far. A failed run makes the iteration throw the
 * error and `result` reject with it; neither becomes an unhandled rejection when only the other is
 * observed.
 */
export type AgentStream<Output = undefined> = AsyncIterable<AgentEvent<Output>> & {
  /** The run's result, once it ends. */
  readonly result: Promise<AgentResult<Output>>;
  /**
   * Adds a user message at the run's next step boundary (see `Steering.steer` in
   * `@gemloop/core/steering`); the stream shows it as `steer` events.
   * @throws {@link SteeringError} once the run is over or its signal aborted (`run-ended`), past
   *   `maxPending`.
   */
  steer(message: SteeringMessage): void;
  /**
   * Adds a user message for after the current answer: the run goes on with it as a follow-up
   * turn (see `Steering.queue`).
   * @throws {@link SteeringError} as `steer()` does.
   */
  queue(message: SteeringMessage): void;
  /**
   * Sends `value` to the run's plugins on `topic`: a plugin takes it with `run.receive(topic)`
   * at a step boundary (see `PluginRun.receive` in `@gemloop/core/plugins`; an operator's
   * "pause that tool", a note for the next call). Resolves once the message waits for the run.
   * @throws `RunMessageError` (rejects) for a bad topic or value (plain JSON data, at most
   *   256 KB), 32 messages waiting on the topic, or a run that is over.
   */
  send(topic: string, value: unknown): Promise<void>;
  /** Stops the run, as breaking out of the iteration does. */
  abort(reason?: unknown): void;
  /** The events as a WHATWG `ReadableStream` (for `Response` bodies and Web Streams pipelines). */
  toReadableStream(): ReadableStream<AgentEvent<Output>>;
};

/**
 * How many events of one subagent (one `path` below the top) may wait unread in a stream's queue
 * before that subagent is held back: its streamed model call stops reading the response between
 * chunks until the reader takes some, so a slow reader costs a bounded queue, not memory that
 * grows with the child's output. The top agent's own events are not held (its run never waited
 * for the reader, and a consumer that reads only `result` must not stall it), nor a subagent's
 * before a reader has taken the stream (no reader would ever make room).
 */
export const DEFAULT_MAX_CHILD_BACKLOG = 256;

/** One subagent's unread events in a stream's queue, and its producers waiting for room. */
type Backlog = { count: number; room: (() => void)[] | undefined };

/**
 * Where a stream's `steer()` and `queue()` go: the caller's controller, or the stream's own
 * (loaded on its first message). `closed`: the run is over (later messages are refused).
 * @internal
 */
export type StreamSteering = {
  add(mode: 'steer' | 'queue', message: SteeringMessage): void;
  /** A message for the run's plugins (`AgentStream.send`). */
  send(topic: string, value: unknown): Promise<void>;
  closed(): boolean;
};

/**
 * Wires a run to an event queue. `start` gets the emitter and the signal that aborts the run. The
 * emitter stamps `path: []` on events that have none (the top agent's own). A caller that starts
 * the loop itself (the agent's `stream`) opens the queue with {@link openAgentStream} instead, so
 * that no frame of this function or of `start` lies between `agent.stream()` and the transport.
 * @internal
 */
export function createAgentStream<Output>(
  start: (
    emit: (event: UntaggedAgentEvent<unknown>) => void | Promise<void>,
    signal: AbortSignal,
  ) => Promise<AgentResult<Output>>,
  userSignal: AbortSignal | undefined,
  steering?: StreamSteering | undefined,
  maxChildBacklog: number = DEFAULT_MAX_CHILD_BACKLOG,
): AgentStream<Output> {
  if (userSignal !== undefined && !isAbortSignal(userSignal)) {
    return openAgentStream<Output>(undefined, steering, maxChildBacklog).attach(
      Promise.reject(invalidSignalError()),
    );
  }
  const opened = openAgentStream<Output>(userSignal, steering, maxChildBacklog);
  return opened.attach(start(opened.emit, opened.signal));
}

/**
 * A stream's event queue opened before its run starts: the run is given `emit` and `signal`, and
 * the run's promise, once started, is handed to `attach`, which returns the stream.
 * @internal
 */
export type OpenedAgentStream<Output> = {
  /** The run's emitter: queues an event (stamping `path: []` on the top agent's own). */
  readonly emit: (event: UntaggedAgentEvent<unknown>) => void | Promise<void>;
  /** Aborts the run: the caller's signal followed, `abort()`, or the reader leaving. */
  readonly signal: AbortSignal;
  /** The stream over the run's promise (called once, at once: events may already be queued). */
  attach(run: Promise<AgentResult<Output>>): AgentStream<Output>;
};

/**
 * Opens a stream's event queue (see {@link createAgentStream}); `userSignal` must be an
 * AbortSignal or `undefined` (the caller refuses another value before the run starts).
 * @internal
 */
export function openAgentStream<Output>(
  userSignal: AbortSignal | undefined,
  steering?: StreamSteering | undefined,
  maxChildBacklog: number = DEFAULT_MAX_CHILD_BACKLOG,
  redact?: Redactor,
): OpenedAgentStream<Output> {
  const controller = new AbortController();
  // The run's own signal, dropped when the run ends: its abort listener stays for the run.
  holdAbortListener(controller.signal);
  // The caller's reason through the client's redactor (see followSignal).
  const unfollow = followSignal(userSignal, controller, redact);
  const signal = controller.signal;
  // A queue read from `head`: shifting a long array on every event would be O(n) each time.
  let queue: AgentEvent<Output>[] = [];
  let head = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let failureDelivered = false;
  // Pending `next()` calls, oldest first (for-await has one at a time; manual callers may not).
  const waiters: {
    resolve: (result: IteratorResult<AgentEvent<Output>>) => void;
    reject: (error: unknown) => void;
  }[] = [];

  const wake = (): void => {
    while (waiters.length > 0 && (head < queue.length || ended)) {
      const waiter = waiters.shift() as (typeof waiters)[number];
      if (head < queue.length) {
        waiter.resolve({ value: take(), done: false });
      } else if (failure !== undefined && !failureDelivered) {
        failureDelivered = true;
        waiter.reject(failure.error);
      } else {
        waiter.resolve({ value: undefined, done: true });
      }
    }
  };
  // Unread events of each subagent, and the producers waiting for room. Keyed by the path array
  // itself: a child run stamps one frozen array on all its events (see `emitAt`), so no string is
  // built per event. A WeakMap, so an entry lives as long as its child's path and is made once per
  // child, not once per event (a drained entry was deleted and made again by the next event: two
  // objects and a map write per event of a streamed child); a run with many short children keeps
  // no entry per child after their events are read. Made by a child's first event: a stream
  // without subagents makes none.
  let backlogs: WeakMap<AgentPath, Backlog> | undefined;
  // The backlogs whose producers wait for room, for the end of the run to release them; made by
  // the first producer held.
  let held: Set<Backlog> | undefined;
  const release = (backlog: Backlog): void => {
    const room = backlog.room;
    if (room === undefined) return;
    backlog.room = undefined;
    held?.delete(backlog);
    for (const resume of room) resume();
  };
  const releaseAll = (): void => {
    if (held !== undefined) for (const backlog of held) release(backlog);
  };
  // The backlog of the last child path seen, for the next event: a child's events come in runs
  // (one step's deltas and calls), so most events skip the WeakMap lookup (two per event).
  let lastPath: AgentPath | undefined;
  let lastBacklog: Backlog | undefined;
  const backlogOf = (path: AgentPath): Backlog | undefined => {
    if (path === lastPath) return lastBacklog;
    const found = backlogs?.get(path);
    if (found !== undefined) {
      lastPath = path;
      lastBacklog = found;
    }
    return found;
  };
  const take = (): AgentEvent<Output> => {
    const event = queue[head] as AgentEvent<Output>;
    // A read event is let go at once: the queue kept every event until the stream ended (or 1,024
    // were read), so a subagent's events, which go to the top run's queue, lived as long as the
    // top run and were promoted by the collector (9 KB a call of subagent-bench.ts, its
    // collections ~30 us a streamed run slower). A reader that keeps up takes the only event:
    // `pop()` keeps the array's storage, where `length = 0` dropped it and the next event made a
    // new one (125 B and ~50 ns an event in a loop of five million).
    if (head + 1 < queue.length) queue[head++] = undefined as unknown as AgentEvent<Output>;
    else if (head === 0) queue.pop();
    else {
      queue.length = 0;
      head = 0;
    }
    if (event.path.length > 0) {
      const backlog = backlogOf(event.path);
      if (backlog !== undefined) {
        backlog.count--;
        if (backlog.room !== undefined && backlog.count < maxChildBacklog) release(backlog);
      }
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return event;
  };

  const emit = (untagged: UntaggedAgentEvent<unknown>): void | Promise<void> => {
    if (ended) return;
    // Stamped in place: every event is a fresh object the loop made for this emit.
    if (untagged.path === undefined) (untagged as { path: AgentPath }).path = TOP_PATH;
    const event = untagged as AgentEvent<Output>;
    queue.push(event);
    wake();
    if (event.path.length === 0) return;
    let backlog = backlogOf(event.path);
    if (backlog === undefined) {
      backlog = { count: 0, room: undefined };
      backlogs ??= new WeakMap();
      backlogs.set(event.path, backlog);
      lastPath = event.path;
      lastBacklog = backlog;
    }
    backlog.count++;
    // Held for a reader only: a stream read only for its `result` ran its child into the bound
    // and waited forever (attack30).
    if (backlog.count < maxChildBacklog || ended || !handedOut) return;
    const waiting = backlog;
    return new Promise<void>((resume) => {
      waiting.room ??= [];
      waiting.room.push(resume);
      held ??= new Set();
      held.add(waiting);
    });
  };
  // The run is over: its followers and held producers are let go, and the readers woken.
  const end = (error?: { error: unknown }): void => {
    unfollow();
    ended = true;
    releaseAll();
    failure = error;
    wake();
  };

  const iterator: AsyncIterator<AgentEvent<Output>> = {
    next() {
      if (head < queue.length) return Promise.resolve({ value: take(), done: false });
      if (ended) {
        if (failure !== undefined && !failureDelivered) {
          failureDelivered = true;
          return Promise.reject(failure.error);
        }
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
      });
    },
    return() {
      if (!ended)
        controller.abort(new DOMException('The stream consumer stopped reading.', 'AbortError'));
      // The consumer left: what is still queued or still to come is dropped.
      queue = [];
      head = 0;
      failureDelivered = true;
      ended = true;
      releaseAll();
      wake();
      return Promise.resolve({ value: undefined, done: true });
    },
  };

  // One reader: two loops over one queue would each silently miss the events the other took.
  let handedOut = false;
  const claim = (): AsyncIterator<AgentEvent<Output>> => {
    if (handedOut) {
      throw new InvalidArgumentError({
        argument: 'stream',
        message:
          'This agent stream is already being read (or was read): its events go to one reader and are not kept. Read it in one loop (or one toReadableStream()), and use `result` for the outcome.',
      });
    }
    handedOut = true;
    return iterator;
  };

  const steerWith =
    (mode: 'steer' | 'queue') =>
    (message: SteeringMessage): void => {
      // Aborted, the run takes no more steps, though it has not ended yet: a message it took
      // would be lost without a word (chat68).
      if (ended || signal.aborted || steering === undefined || steering.closed()) {
        throw new SteeringError({
          reason: 'run-ended',
          message: `This stream's run is over, so ${mode}() has nothing to steer. Start a new run with the message (or use a chat session, whose send() continues the conversation).`,
        });
      }
      steering.add(mode, message);
    };

  return {
    emit,
    signal,
    attach(run: Promise<AgentResult<Output>>): AgentStream<Output> {
      const result = run.then(
        (value) => {
          end();
          return value;
        },
        (error: unknown) => {
          end({ error });
          throw error;
        },
      );
      // Observed here so that a consumer who only iterates never sees an unhandled rejection; a
      // consumer who awaits `result` still gets the rejection.
      result.catch(() => {});
      return {
        result,
        steer: steerWith('steer'),
        queue: steerWith('queue'),
        // A stream without steering never ran: its send rejects with the stream's failure.
        send: (topic, value) => steering?.send(topic, value) ?? (result as Promise<never>),
        abort(reason?: unknown) {
          if (!ended)
            controller.abort(reason ?? new DOMException('The stream was aborted.', 'AbortError'));
        },
        [Symbol.asyncIterator]: claim,
        toReadableStream() {
          const iterator = claim();
          return new ReadableStream<AgentEvent<Output>>({
            async pull(stream) {
              try {
                const next = await iterator.next();
                if (next.done === true) stream.close();
                else stream.enqueue(next.value);
              } catch (error) {
                stream.error(error);
              }
            },
            async cancel() {
              await iterator.return?.();
            },
          });
        },
      };
    },
  };
}

const TOP_PATH: AgentPath = Object.freeze([]) as AgentPath;

/** The error for a run's `options.signal` that is not an AbortSignal. @internal */
export function invalidSignalError(): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'options.signal',
    message:
      'options.signal must be an AbortSignal, e.g. AbortSignal.timeout(60_000) or controller.signal.',
  });
}
