import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { describeKey, describeValue } from '../../../options/define-options.ts';
import type { AgentPath } from '../../agent-event.ts';
import type { RunServices } from '../run-view/run-services.ts';
import { checkTopic, MAX_RUN_MESSAGES, messageJson, type RunInbox } from './run-messages.ts';

/** What `run.receive` reads of the run's plugins (the run's `RunPlugins`). @internal */
export type ReceivingRun = {
  /** What it reads of the run's facts (`PluginRunFacts`). */
  readonly facts: {
    readonly path: AgentPath;
    readonly services?: RunServices | undefined;
    readonly redact: <T>(value: T) => T;
  };
  readonly inbox: (() => RunInbox | undefined) | undefined;
  readonly atBoundary: number;
  receiving: Promise<unknown>;
  emit(plugin: string, kind: string, data: unknown): void;
};

/** Why a value was dropped on receipt. */
type Dropped = { readonly reason: 'invalid-value' | 'too-large' };

/**
 * `run.receive(topic, options)` of plugin `plugin` (see `PluginRun.receive`): the topic and the
 * place checked, then the runner's messages (a durable runner's `receive` service) or the run's
 * inbox in process, each value checked as hostile and handed out as a copy, reported as a
 * `plugin` event of kind `received`.
 * @internal
 */
export function receiveMessages(
  run: ReceivingRun,
  plugin: string,
  topic: unknown,
  options: unknown,
): Promise<readonly unknown[]> {
  const where = `run.receive() (plugin "${plugin}")`;
  let name: string;
  let max: number;
  try {
    name = checkTopic(topic, where);
    max = maxOf(options, where);
    if (run.atBoundary === 0)
      throw new InvalidArgumentError({
        argument: 'run.receive',
        message: `${where} reads messages at a step boundary: call it from startRun, beforeModelCall, afterModelCall, checkAnswer, afterAnswer or endRun, in a hook not listed in \`recorded\` (a turn's tool calls run at once, and a recorded hook's result is already a record).`,
      });
  } catch (error) {
    return Promise.reject(error);
  }
  // A subagent has no address (no handle, no run id an application sends to).
  if (run.facts.path.length > 0) return Promise.resolve([]);
  const service = run.facts.services?.receive;
  const inbox = run.inbox?.();
  if (service === undefined && (inbox === undefined || inbox.size === 0))
    return Promise.resolve([]);
  const received = run.receiving.then(async () => {
    const raw: readonly unknown[] =
      service === undefined ? (inbox as RunInbox).take(name, max) : await service(name, max);
    return delivered(run, plugin, name, raw, service !== undefined, where);
  });
  run.receiving = received.catch(() => {});
  return received;
}

function maxOf(options: unknown, where: string): number {
  if (options === undefined) return MAX_RUN_MESSAGES;
  if (typeof options === 'object' && options !== null) {
    // Only `max`: a misspelt `{ maks: 1 }` took up to 32 messages without a word (attack60d).
    const unknown = Object.keys(options).find((key) => key !== 'max');
    if (unknown !== undefined)
      throw new InvalidArgumentError({
        argument: 'run.receive',
        message: `${where}: options has no '${describeKey(unknown)}'; it takes { max }.`,
      });
  }
  const max =
    typeof options === 'object' && options !== null ? (options as { max?: unknown }).max : options;
  if (max === undefined) return MAX_RUN_MESSAGES;
  if (typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= MAX_RUN_MESSAGES)
    return max;
  throw new InvalidArgumentError({
    argument: 'run.receive',
    message: `${where}: options.max must be an integer from 1 to ${MAX_RUN_MESSAGES}; got ${describeValue(max)}.`,
  });
}

/**
 * The values as the plugin gets them: from the inbox, parsed from the JSON they were sent as;
 * from a runner, checked as any JSON message (a DBOS message may have been sent by anyone with
 * the database) and copied. What fails is dropped and reported, not thrown: it came from
 * elsewhere, and throwing would end the run for a sender's mistake.
 */
function delivered(
  run: ReceivingRun,
  plugin: string,
  topic: string,
  raw: readonly unknown[],
  fromRunner: boolean,
  where: string,
): unknown[] {
  const values: unknown[] = [];
  const dropped: Dropped[] = [];
  for (const entry of Array.isArray(raw) ? raw.slice(0, MAX_RUN_MESSAGES) : []) {
    try {
      values.push(JSON.parse(fromRunner ? messageJson(topic, entry, where) : (entry as string)));
    } catch (error) {
      const reason =
        (error as { reason?: unknown }).reason === 'too-large' ? 'too-large' : 'invalid-value';
      dropped.push({ reason });
    }
  }
  if (values.length > 0 || dropped.length > 0) {
    const { redact } = run.facts;
    run.emit(plugin, 'received', {
      topic,
      values: values.map((value) => redact(value)),
      ...(dropped.length > 0 && { dropped }),
    });
  }
  return values;
}
