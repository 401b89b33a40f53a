import type { RunInbox } from '../agent/plugins/messages/run-messages.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { checkContent, UNREADABLE } from '../history/check-content.ts';
import type { HistoryIssue } from '../history/history-issue.ts';
import { withDefaults } from '../options/define-options.ts';
import type { SteeringMode } from '../run/steering-report.ts';
import type { Content, Part } from '../wire/content.ts';
import {
  STEERING_DEFAULTS,
  type SteeringMessage,
  type SteeringOptions,
} from './steering-options.ts';

/** One message waiting for a boundary. @internal */
export type PendingSteer = {
  mode: SteeringMode;
  content: Content;
  /** The step under way when it came, for a message given before the queue had a run. */
  receivedAt?: number | undefined;
};

/** What the run that uses a controller hears from it. @internal */
export type SteeringListener = (event: { status: 'received'; steer: PendingSteer }) => void;

/**
 * The messages of a controller (or of a stream's or a chat send's own steering) waiting for a
 * boundary: what `steer()` and `queue()` fill and the steering plugin takes from. Light on
 * purpose: a stream holds one from its first `steer()`, and only then is the plugin loaded.
 * @internal
 */
export class SteeringQueue {
  readonly maxPending: number;
  readonly maxMessageBytes: number;
  readonly receive: SteeringOptions['receive'];
  /** The messages waiting for a boundary, oldest first (taken by `queue-boundary.ts`). */
  waiting: PendingSteer[] = [];
  /** The run bound to the queue (`bindQueue`), which hears of each message as it comes. */
  listener: SteeringListener | undefined;
  /** Set once a one-run controller's run is over: later messages are refused, never kept. */
  closed = false;
  /** A controller made for one run (a stream's own, a chat send's): it closes when the run ends. */
  readonly oneRun: boolean;
  /**
   * The messages sent to the run's plugins (`send`), made by the first (loaded then: a run
   * nobody sends to loads none of it); `RunInbox` sets `opened` once made, which the steering
   * plugin binds to the run.
   */
  // `declare`: set when first used, so a queue nobody sends through carries no field for them.
  declare private inbox: Promise<RunInbox> | undefined;
  declare opened: RunInbox | undefined;

  constructor(options: SteeringOptions, oneRun: boolean) {
    const { maxPending, maxMessageBytes } = withDefaults(STEERING_DEFAULTS, options);
    this.maxPending = maxPending;
    this.maxMessageBytes = maxMessageBytes;
    this.receive = options.receive;
    this.oneRun = oneRun;
  }

  get size(): number {
    return this.waiting.length;
  }

  add(mode: SteeringMode, message: SteeringMessage, receivedAt?: number): void {
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
    const steer: PendingSteer = {
      mode,
      content: toUserContent(message, mode, this.maxMessageBytes),
    };
    if (receivedAt !== undefined) steer.receivedAt = receivedAt;
    this.waiting.push(steer);
    this.listener?.({ status: 'received', steer });
  }

  /**
   * A message for the run's plugins on `topic` (see `PluginRun.receive`), kept until a plugin of
   * the run receives it; refused (a `RunMessageError`) once a one-run controller's run is over.
   */
  send(topic: unknown, value: unknown, where?: string): Promise<void> {
    this.inbox ??= import('../agent/plugins/messages/run-messages.ts').then(
      (m) => new m.RunInbox(this),
    );
    return this.inbox.then((inbox) => inbox.send(topic, value, where));
  }
}

/**
 * A message as the user content the history gets.
 * @throws {@link SteeringError} `empty-message`, `invalid-message`, or `too-large` past
 *   `maxMessageBytes` of JSON.
 * @internal
 */
export function toUserContent(
  message: SteeringMessage,
  mode: SteeringMode,
  maxMessageBytes: number,
): Content {
  if (typeof message === 'string') {
    if (message.trim() === '') throw emptyMessage(mode);
    checkSize(message, mode, maxMessageBytes);
    return { role: 'user', parts: [{ text: message }] };
  }
  const content: Content = { role: 'user', parts: copyParts(message, mode) };
  // Checked here, where the caller can fix it: once in the history, a part the API refuses (no
  // data, a function call in a user turn, an unpaired response) fails the run's next model call
  // with a 400 that does not name the steer. One user content: its own checks, and no function
  // call or response at all (a user turn holds no call, and a lone message answers none), which
  // is what validateHistory([content]) finds without loading the pairing rules.
  const issues: HistoryIssue[] = [];
  const turn = checkContent(content, 0, issues);
  const call = turn.calls[0] ?? turn.responses[0];
  const issue =
    issues[0]?.message ??
    (call === undefined ? undefined : `parts[${call.partIndex}] is a function call or response.`);
  if (issue !== undefined) {
    throw new SteeringError({
      reason: 'invalid-message',
      message: `${mode}() got parts the Gemini API would reject in a user turn: ${issue} Send text, or parts with data (inlineData, fileData); function calls and responses are the run's own.`,
    });
  }
  checkSize(content.parts, mode, maxMessageBytes);
  return content;
}

/**
 * Refuses a message over `maxMessageBytes` of JSON (UTF-8), as `runs.steer()` measures a durable
 * one: in the history it would be sent with every later model call, and one past Google's request
 * size fails them all with a 400 that names no steer.
 */
function checkSize(message: string | readonly Part[], mode: SteeringMode, max: number): void {
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch {
    // Parts checkContent read but JSON cannot write (a bigint, a cycle): the request could not be sent.
    throw new SteeringError({
      reason: 'invalid-message',
      message: `${mode}() got parts that cannot be written as JSON (a bigint or a cycle inside). Send text, or parts with data (inlineData, fileData).`,
    });
  }
  // At most 3 bytes a UTF-16 unit: a short JSON needs no count (and a long one is counted by the
  // platform's encoder: a module of ours for it was one more at `import '@gemloop/core'`).
  if (json.length * 3 <= max) return;
  const bytes = new TextEncoder().encode(json).length;
  if (bytes <= max) return;
  throw new SteeringError({
    reason: 'too-large',
    maxMessageBytes: max,
    message: `${mode}() got a message of ${bytes} bytes of JSON, over the ${max} a steering message may carry (maxMessageBytes). Send large media as a file reference (fileData, after uploading it with gemini.files), shorten the text, or raise createSteering({ maxMessageBytes }).`,
  });
}

/**
 * The message's parts, each copied (the caller may edit theirs once steer() returns).
 * @throws {@link SteeringError} `empty-message` for no parts or a part that is no object,
 *   `invalid-message` when reading them threw (a getter or a Proxy), not the getter's own error.
 */
function copyParts(message: unknown, mode: SteeringMode): Part[] {
  if (!Array.isArray(message)) throw emptyMessage(mode);
  const parts: Part[] = [];
  try {
    for (const part of message as readonly unknown[]) {
      if (typeof part !== 'object' || part === null || Array.isArray(part)) {
        throw emptyMessage(mode);
      }
      parts.push({ ...(part as Part) });
    }
  } catch (error) {
    if (SteeringError.isInstance(error)) throw error;
    throw new SteeringError({
      reason: 'invalid-message',
      message: `${mode}() got parts[${parts.length}] that could not be read: ${UNREADABLE}`,
    });
  }
  if (parts.length === 0) throw emptyMessage(mode);
  return parts;
}

function emptyMessage(mode: SteeringMode): SteeringError {
  return new SteeringError({
    reason: 'empty-message',
    message: `${mode}() takes a non-empty text or a non-empty array of parts, e.g. ${mode}('Use metric units.') or ${mode}([{ text: 'Look at this:' }, { inlineData: { mimeType: 'image/png', data } }]).`,
  });
}
