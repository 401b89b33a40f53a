import { RunMessageError } from '../../../errors/run-message-error.ts';

/**
 * The largest message a run takes, as JSON: in a durable run a message is a row of the DBOS
 * system database that every replay reads back, so the bound is the same in process (a plugin
 * that works in one works in the other). Larger data goes by reference (a file, a URL).
 */
export const MAX_RUN_MESSAGE_BYTES: number = 256 * 1024;

/** The most messages that wait on one topic of a run, and the most a receive hands back. */
export const MAX_RUN_MESSAGES: number = 32;

/** The most topics with messages waiting in one run's inbox (in process). */
const MAX_TOPICS = 32;

/** A topic: a name a fleet can agree on and a DBOS notification can carry after `::`. */
const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** gemloop's own topics (steering, Interactions webhooks): a plugin or a sender may not use them. */
const RESERVED = 'gemloop.';

/**
 * Checks a topic a plugin receives on or a sender sends to.
 * @throws {@link RunMessageError} `invalid-topic`.
 * @internal
 */
export function checkTopic(topic: unknown, where: string): string {
  if (typeof topic === 'string' && TOPIC.test(topic) && !topic.startsWith(RESERVED)) return topic;
  const shown = typeof topic === 'string' ? JSON.stringify(topic.slice(0, 100)) : typeof topic;
  throw new RunMessageError({
    reason: 'invalid-topic',
    topic: typeof topic === 'string' ? topic.slice(0, 100) : '',
    message: `${where}: the topic must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, and not one of gemloop's own ('${RESERVED}…'), e.g. 'operator'; got ${shown}.`,
  });
}

/**
 * A message as the JSON it travels as (in a durable run, a DBOS message): plain data, at most
 * {@link MAX_RUN_MESSAGE_BYTES}. `undefined`, a function, a bigint or a cycle is refused.
 * @throws {@link RunMessageError} `invalid-value` or `too-large`.
 * @internal
 */
export function messageJson(topic: string, value: unknown, where: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined || typeof value === 'function')
    throw new RunMessageError({
      reason: 'invalid-value',
      topic,
      message: `${where}: the message on "${topic}" must be plain JSON data (an object, array, string, number, boolean or null); got ${value === null ? 'null' : typeof value} that JSON.stringify refuses.`,
    });
  // UTF-16 length bounds the UTF-8 size from below: the exact count only near the bound.
  const bytes = json.length * 3 <= MAX_RUN_MESSAGE_BYTES ? json.length : utf8Length(json);
  if (bytes > MAX_RUN_MESSAGE_BYTES)
    throw new RunMessageError({
      reason: 'too-large',
      topic,
      message: `${where}: the message on "${topic}" is ${bytes} bytes of JSON, over the ${MAX_RUN_MESSAGE_BYTES} a run message may carry; send a reference (a file, a URL) instead.`,
    });
  return json;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * The messages sent in process to a run's topics (`stream.send`, `steering.send`), waiting for
 * a plugin's `run.receive(topic)` at a step boundary. Each is kept as the JSON it was sent as and
 * parsed on receipt, so a receiver gets plain data of its own (as a durable run's receiver does),
 * never the sender's object. Bounded: {@link MAX_RUN_MESSAGES} per topic, 32 topics.
 * @internal
 */
export class RunInbox {
  private readonly topics = new Map<string, string[]>();
  /** Whose messages these are: `closed` once the one run it served is over. */
  private readonly owner: { readonly closed: boolean };

  constructor(owner: { readonly closed: boolean; opened: RunInbox | undefined }) {
    this.owner = owner;
    owner.opened = this;
  }

  /** @throws {@link RunMessageError} for a bad topic or value, a full topic, or a run over. */
  send(topic: unknown, value: unknown, where = 'stream.send()'): void {
    const name = checkTopic(topic, where);
    const json = messageJson(name, value, where);
    if (this.owner.closed)
      throw new RunMessageError({
        reason: 'run-ended',
        topic: name,
        message: `${where}: this run is over, so the message on "${name}" has no run to go to. Send it to the next run.`,
      });
    const waiting = this.topics.get(name) ?? [];
    if (
      waiting.length >= MAX_RUN_MESSAGES ||
      (waiting.length === 0 && this.topics.size >= MAX_TOPICS)
    )
      throw new RunMessageError({
        reason: 'too-many-pending',
        topic: name,
        message: `${where}: ${waiting.length >= MAX_RUN_MESSAGES ? `${MAX_RUN_MESSAGES} messages already wait on "${name}"` : `${MAX_TOPICS} topics already hold messages`} for the run's plugins; wait for them to be received (a 'plugin' event of kind 'received').`,
      });
    waiting.push(json);
    this.topics.set(name, waiting);
  }

  /** Up to `max` messages of `topic`, oldest first, as JSON; taken out of the inbox. */
  take(topic: string, max: number): string[] {
    const waiting = this.topics.get(topic);
    if (waiting === undefined) return [];
    const taken = waiting.splice(0, max);
    if (waiting.length === 0) this.topics.delete(topic);
    return taken;
  }

  /**
   * Empties the inbox of a run that is over: how many messages each topic still held, in the
   * order the topics were first sent to (at most 32 topics of at most 32 messages: bounded), for
   * the run's report. The values are not reported: a sender's data stays out of the events.
   */
  drain(): { topic: string; count: number }[] {
    const left = [...this.topics].map(([topic, waiting]) => ({ topic, count: waiting.length }));
    this.topics.clear();
    return left;
  }

  /** How many messages wait, on every topic. */
  get size(): number {
    let size = 0;
    for (const waiting of this.topics.values()) size += waiting.length;
    return size;
  }
}
