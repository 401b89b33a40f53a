import { InvalidArgumentError } from '@gemloop/core';
import { checkGenerationConfig, checkOwnerOption, describeValue } from '@gemloop/core/internal';
import { checkHistoryReference } from '../../chat/history-reference.ts';
import { MAX_KEYS_FINGERPRINT_LENGTH } from '../events/keyless-history.ts';
import { checkOptionKeys, checkRunId } from './check-runs-arguments.ts';
import type { DurableRunInput } from './durable-run-types.ts';
import type { StartRunOptions } from './durable-runs.ts';
import { checkRunInputSize, DEFAULT_MAX_INPUT_BYTES } from './run-input-limit.ts';
import type { RunsBackend } from './runs-backend.ts';
import { runAttributes } from './stored-run-data.ts';

/** Half of a UTF-16 surrogate pair standing alone (with the `u` flag, a whole pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Longest `holder` name a run starts with (an agent's handoff name). */
const MAX_HOLDER_LENGTH = 200;

/** Every option of `start()`, for checkOptionKeys (a misspelt `owner` refused, not ignored). */
const START = {
  runId: true,
  input: true,
  history: true,
  budget: true,
  generationConfig: true,
  owner: true,
  holder: true,
  keylessHistory: true,
} as const satisfies Record<keyof StartRunOptions, true>;

/** `runs.start()`: checks the run's options and input, then enqueues its workflow. @internal */
export async function startRun(
  backend: RunsBackend,
  agent: string,
  options: StartRunOptions,
): Promise<{ runId: string }> {
  checkOptionKeys(options, START, 'runs.start()');
  const {
    runId = crypto.randomUUID(),
    input,
    history,
    budget,
    generationConfig,
    owner,
    holder,
    keylessHistory,
  } = options;
  checkRunId(runId);
  checkInputKind(input);
  checkOwnerOption(owner, 'owner');
  // The owner is stored as text beside the run (its attributes, its input): a NUL failed the start
  // with Postgres's bare "unsupported Unicode escape sequence", and a lone surrogate would be
  // stored as U+FFFD, another owner's twin (attack56). A door's `authorize` may return a token claim.
  // (Its length stays checkOwnerOption's: 1024 characters, as before.)
  if (typeof owner === 'string' && (owner.includes('\0') || LONE_SURROGATE.test(owner))) {
    throw new InvalidArgumentError({
      argument: 'owner',
      message: `The run owner ${JSON.stringify(owner.slice(0, 40))} cannot be stored: Postgres text holds no NUL character, and half of a UTF-16 surrogate pair is stored as U+FFFD (another owner's id). Map the caller to an id without them (String.prototype.toWellFormed() for the second).`,
    });
  }
  if (
    holder !== undefined &&
    (typeof holder !== 'string' || holder === '' || holder.length > MAX_HOLDER_LENGTH)
  ) {
    throw new InvalidArgumentError({
      argument: 'holder',
      message: `start: holder must be the name of the agent holding the conversation, a non-empty string of at most ${MAX_HOLDER_LENGTH} characters.`,
    });
  }
  checkKeylessHistory(keylessHistory);
  // A history by reference (sendDurableChatTurn's historyByReference): the worker reads the
  // table it names, so it is checked before the run is enqueued. A list goes as before.
  if (history !== undefined && !Array.isArray(history)) checkHistoryReference(history);
  if (typeof agent !== 'string' || agent === '') {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: 'start: the agent name must be a non-empty string.',
    });
  }
  const request: DurableRunInput = { input };
  if (history !== undefined) request.history = history;
  if (budget !== undefined) request.budget = budget;
  if (generationConfig !== undefined) {
    if (!isPlainObject(generationConfig)) {
      throw new InvalidArgumentError({
        argument: 'generationConfig',
        message:
          'start: generationConfig must be an object such as { temperature: 0.2 } (stored as JSON with the run).',
      });
    }
    // Its fields as a run's are checked (finite numbers, int32s), here rather than on the
    // worker: a run that can only fail is not enqueued (attack-core7). What the agent sets
    // itself is refused by the worker's agent, which knows its `thinking` and `output`.
    checkGenerationConfig(generationConfig, 'generationConfig');
    request.generationConfig = generationConfig;
  }
  if (owner !== undefined) request.owner = owner;
  if (holder !== undefined) request.holder = holder;
  if (keylessHistory !== undefined) {
    request.keylessHistory = { contents: keylessHistory.contents, keys: keylessHistory.keys };
  }
  checkRunInputSize(runId, agent, request, backend.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
  await backend.enqueue(agent, runId, request, runAttributes({ agent, owner }));
  return { runId };
}

/**
 * The input is what `agent.run()` takes: a message or a list (parts, contents or turns, which
 * the worker's agent checks). Before, anything went in: a Date was stored as its ISO text and
 * run as a message, a Map or a function as nothing, and a number failed on the worker after it
 * was enqueued (attack60c). `Array.isArray` reads no trap of a Proxy over an array: its contents
 * are read by the size check, whose refusal is typed.
 */
function checkInputKind(input: unknown): void {
  if (typeof input === 'string') return;
  if (Array.isArray(input)) {
    let empty = false;
    try {
      empty = input.length === 0;
    } catch {
      // A Proxy whose traps throw: the size check reads it, and refuses it typed.
    }
    if (!empty) return;
    throw new InvalidArgumentError({
      argument: 'input',
      message:
        "runs.start(): input is an empty array; pass a message ('Hello'), parts ([{ text: 'Hello' }]) or a history of contents, as agent.run() takes.",
    });
  }
  throw new InvalidArgumentError({
    argument: 'input',
    message: `runs.start(): input must be what agent.run() takes: a message (a string), or a list of parts, contents or turns; got ${describeValue(input)}. It is stored as JSON, so a value of another kind (a Date, a Map, an object) would not reach the worker as given.`,
  });
}

/** `keylessHistory` as `sendDurableChatTurn` gives it: a count of contents and a fingerprint. */
function checkKeylessHistory(keylessHistory: unknown): void {
  if (keylessHistory === undefined) return;
  const { contents, keys } = (isPlainObject(keylessHistory) ? keylessHistory : {}) as {
    contents?: unknown;
    keys?: unknown;
  };
  if (
    !Number.isSafeInteger(contents) ||
    (contents as number) < 0 ||
    typeof keys !== 'string' ||
    keys === '' ||
    keys.length > MAX_KEYS_FINGERPRINT_LENGTH
  ) {
    throw new InvalidArgumentError({
      argument: 'keylessHistory',
      message: `start: keylessHistory must be { contents, keys } as sendDurableChatTurn reads it from the stored turns' marks: a whole number of contents and the keys' fingerprint (at most ${MAX_KEYS_FINGERPRINT_LENGTH} characters); leave it out to have the whole history scanned.`,
    });
  }
}

/** An object of JSON's kind: not null, not an array, not a class instance. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
