import { SteeringError } from '../errors/steering-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import { withDefaults } from '../options/with-defaults.ts';
import type { SteeringMode } from '../run/steering-report.ts';
import type { Content, Part } from '../wire/content.ts';
import {
  RECEIVED_STEER_DEFAULTS,
  type ReceivedSteer,
  STEERING_DEFAULTS,
  type SteeringMessage,
  type SteeringOptions,
  steeringOptionsDeclaration,
} from './steering-options.ts';

/**
 * Talks to a running agent: pass it as `run(input, { steering })` (or `stream`), then call
 * `steer()` while the run works. One controller steers one run at a time and may be reused for
 * the next run; messages given while no run uses it wait for the next one.
 */
export type Steering = {
  /**
   * Adds a user message at the run's next step boundary: before its next model call, after the
   * function responses when the model's turn made calls (never between a call and its
   * response). A steer that arrives while the model gives its final answer makes the run go on:
   * the answer stays in the history and the model answers the steer.
   * @throws {@link SteeringError} `too-many-pending` past `maxPending`, `empty-message`,
   *   `invalid-message` (parts the API refuses in a user turn).
   */
  steer(message: SteeringMessage): void;
  /**
   * Adds a user message for after the current answer: when the model answers without calls, the
   * run goes on with this message as a follow-up turn (same run, same result).
   * @throws {@link SteeringError} as `steer()` does.
   */
  queue(message: SteeringMessage): void;
  /** How many messages wait (steers and queued). */
  readonly pending: number;
};

/** One message waiting for a boundary. @internal */
export type PendingSteer = { mode: SteeringMode; content: Content };

/** What the run that uses a controller hears from it. @internal */
export type SteeringListener = (event: { status: 'received'; steer: PendingSteer }) => void;

/**
 * The run side of a controller, reached through {@link steeringQueueOf} (nothing of it shows on
 * the public `Steering`). @internal
 */
export class SteeringQueue {
  readonly maxPending: number;
  readonly receive: SteeringOptions['receive'];
  private waiting: PendingSteer[] = [];
  private listener: SteeringListener | undefined;
  /** Set once a one-run controller's run is over: later messages are refused, never kept. */
  closed = false;
  /** A controller made for one run (a stream's own, a chat send's): it closes when the run ends. */
  private readonly oneRun: boolean;

  constructor(options: SteeringOptions, oneRun: boolean) {
    this.maxPending = withDefaults(STEERING_DEFAULTS, options).maxPending;
    this.receive = options.receive;
    this.oneRun = oneRun;
  }

  get size(): number {
    return this.waiting.length;
  }

  add(mode: SteeringMode, message: SteeringMessage): void {
    if (this.closed) {
      throw new SteeringError({
        reason: 'run-ended',
        message: `This run is over, so ${mode}() has nothing to steer. Send the message as a new run (or a chat send), or pass a createSteering() controller as { steering } to the next run.`,
      });
    }
    if (this.waiting.length >= this.maxPending) {
      throw new SteeringError({
        reason: 'too-many-pending',
        maxPending: this.maxPending,
        message: `${this.maxPending} steering messages already wait for the run's next step boundary (maxPending). Wait for a 'steer' event with status 'applied', or raise createSteering({ maxPending }).`,
      });
    }
    const steer: PendingSteer = { mode, content: toUserContent(message, mode) };
    this.waiting.push(steer);
    this.listener?.({ status: 'received', steer });
  }

  /**
   * Adds what `receive` brought; past `maxPending` the rest is returned, to be reported dropped
   * (it came from elsewhere: refusing it would throw inside the run).
   */
  addReceived(received: readonly ReceivedSteer[]): PendingSteer[] {
    const dropped: PendingSteer[] = [];
    for (const entry of received) {
      // A store may hand back anything: an entry that is not an object is skipped, as a
      // malformed message is (destructuring null would end the run with a TypeError).
      if (typeof entry !== 'object' || entry === null) continue;
      const { message } = entry;
      const { mode } = withDefaults(RECEIVED_STEER_DEFAULTS, entry);
      let content: Content;
      try {
        content = toUserContent(message, mode);
      } catch {
        continue;
      }
      const steer: PendingSteer = { mode: mode === 'queue' ? 'queue' : 'steer', content };
      if (this.waiting.length >= this.maxPending) {
        dropped.push(steer);
        continue;
      }
      this.waiting.push(steer);
      this.listener?.({ status: 'received', steer });
    }
    return dropped;
  }

  /** Takes the steers (`answered: false`) or every message (`answered: true`), oldest first. */
  take(answered: boolean): PendingSteer[] {
    if (this.waiting.length === 0) return [];
    if (answered) {
      const all = this.waiting;
      this.waiting = [];
      return all;
    }
    const steers = this.waiting.filter((steer) => steer.mode === 'steer');
    if (steers.length > 0) this.waiting = this.waiting.filter((steer) => steer.mode !== 'steer');
    return steers;
  }

  /** Whether a message would make an answered run go on. */
  hasAny(): boolean {
    return this.waiting.length > 0;
  }

  /**
   * Binds the controller to a run: the messages already waiting are reported to it at once.
   * @throws {@link SteeringError} `in-use` while another run holds it.
   */
  attach(listener: SteeringListener): void {
    if (this.listener !== undefined) {
      throw new SteeringError({
        reason: 'in-use',
        message:
          'This steering controller already steers a running agent; one controller steers one run at a time. Make one per run with createSteering(), or wait for the first run to end.',
      });
    }
    this.listener = listener;
    for (const steer of this.waiting) listener({ status: 'received', steer });
  }

  /** Unbinds the run; what still waits is dropped and returned (the run reports it). */
  detach(): PendingSteer[] {
    this.listener = undefined;
    // A message given to a finished one-run controller would wait for a run that never comes.
    if (this.oneRun) this.closed = true;
    const left = this.waiting;
    this.waiting = [];
    return left;
  }
}

// Kept (issue 53 item 6): no signature can carry it. The user passes the public `Steering`
// controller in the run options, and the loop drains its queue through `steeringQueueOf`, never
// through a method on the controller a user could call.
const queues = new WeakMap<object, SteeringQueue>();

/**
 * Makes a steering controller (see {@link Steering}).
 *
 * Peers: the AI SDK's experimental `steer()`/`queue()` and Mastra's `sendMessage`/`queueMessage`
 * inject a message into a running loop the same way (at the next step, or after the answer).
 * @throws {@link InvalidArgumentError} for a wrong option.
 */
export function createSteering(options?: SteeringOptions): Steering {
  const checked = options === undefined ? {} : steeringOptionsDeclaration.check(options);
  return makeSteering(new SteeringQueue(checked, false));
}

/**
 * A controller for exactly one run (a stream's own, a chat send's): once that run ends, a
 * message is refused with `run-ended` instead of waiting for a next run that never comes.
 * @internal
 */
export function createRunSteering(): Steering {
  return makeSteering(new SteeringQueue({}, true));
}

function makeSteering(queue: SteeringQueue): Steering {
  const steering: Steering = {
    steer: (message) => queue.add('steer', message),
    queue: (message) => queue.add('queue', message),
    get pending() {
      return queue.size;
    },
  };
  queues.set(steering, queue);
  return steering;
}

/** The run side of a controller `createSteering` made; `undefined` for anything else. @internal */
export function steeringQueueOf(steering: unknown): SteeringQueue | undefined {
  return typeof steering === 'object' && steering !== null ? queues.get(steering) : undefined;
}

/** A message as the user content the history gets. */
function toUserContent(message: SteeringMessage, mode: SteeringMode): Content {
  if (typeof message === 'string') {
    if (message.trim() === '') throw emptyMessage(mode);
    return { role: 'user', parts: [{ text: message }] };
  }
  if (!Array.isArray(message) || message.length === 0) throw emptyMessage(mode);
  const parts: Part[] = [];
  for (const part of message as readonly unknown[]) {
    if (typeof part !== 'object' || part === null || Array.isArray(part)) throw emptyMessage(mode);
    parts.push({ ...(part as Part) });
  }
  const content: Content = { role: 'user', parts };
  // Checked here, where the caller can fix it: once in the history, a part the API refuses (no
  // data, a function call in a user turn, an unpaired response) fails the run's next model call
  // with a 400 that does not name the steer.
  const issue = validateHistory([content])[0];
  if (issue !== undefined) {
    throw new SteeringError({
      reason: 'invalid-message',
      message: `${mode}() got parts the Gemini API would reject in a user turn: ${issue.message} Send text, or parts with data (inlineData, fileData); function calls and responses are the run's own.`,
    });
  }
  return content;
}

function emptyMessage(mode: SteeringMode): SteeringError {
  return new SteeringError({
    reason: 'empty-message',
    message: `${mode}() takes a non-empty text or a non-empty array of parts, e.g. ${mode}('Use metric units.') or ${mode}([{ text: 'Look at this:' }, { inlineData: { mimeType: 'image/png', data } }]).`,
  });
}
