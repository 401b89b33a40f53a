import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { HistoryIssue } from '../../history/history-issue.ts';
import {
  type FlattenedTurns,
  flattenHistoryTurns,
  type HistoryTurn,
  isHistoryTurnList,
} from '../../history/history-turn.ts';
import { readFunctionCall } from '../../history/part-fields.ts';
import {
  type PreparedThoughtSignatures,
  prepareThoughtSignatures,
} from '../../history/thought-signatures/prepare-thought-signatures.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../../history/thought-signatures/thought-signature-bypass.ts';
import type { HistoryCheckCache } from '../../history/validate-history-cached.ts';
import type { ModelCallEntry } from '../../http/model-call-entry.ts';
import { isLevelEnabled, type Logger } from '../../logging/logger.ts';
import type { AgentInput } from '../../run/agent-input.ts';
import type { Content, Part } from '../../wire/content.ts';
import { copyInputList, isInputList } from '../copy-input-list.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';

/** The run's starting history. @internal */
export type NormalizedInput = {
  /** A new array the run appends to; the caller's array and objects are never mutated. */
  contents: Content[];
  /**
   * How many contents are old: `history`, or the input itself when given as contents. A message
   * or parts given as input are new (a chat store saves them with the answer).
   */
  inputLength: number;
  /**
   * The interaction the `history` option's last turn names (a chat turn stored on
   * `interactionsApi()`), and how many of `contents` are that history: read with the history,
   * once, for {@link resumeInteraction}.
   */
  resume?: { interactionId: string; length: number } | undefined;
};

/**
 * Turns `run()` input (and the `history` option) into the starting history: a string or parts
 * become one user content after `history`; turns (`{ contents, model }`) are flattened, each
 * content keeping the model its turn records. The whole list is checked with `validateHistory`
 * (what the API would reject fails here, before any request, with every issue listed), then
 * {@link prepareThoughtSignatures} applies the signature rules once: the turns another model
 * wrote lose their signatures, and dummy signatures go where Gemini 3 needs them, with one
 * warning.
 *
 * A history may end with a model turn of function calls (the caller stopped to approve them, or
 * stored them): the run answers those calls first. It may not end with a model answer: there is
 * nothing for the model to reply to.
 *
 * @throws {@link InvalidArgumentError} for input of the wrong type or a malformed turn.
 * @throws {@link InvalidHistoryError} for a history the API would reject.
 * @internal
 */
export function normalizeInput(
  given: AgentInput,
  options: {
    history: readonly Content[] | readonly HistoryTurn[] | undefined;
    requiresThoughtSignatures: boolean;
    logger: Logger;
    model: string;
    /** Contents the agent already found valid (see `AgentConfig.historyChecks`). */
    historyChecks: HistoryCheckCache;
  },
): NormalizedInput {
  const { model } = options;
  if (options.history !== undefined && !isInputList(options.history)) {
    throw new InvalidArgumentError({
      argument: 'history',
      message:
        'history must be an array of contents or of turns ({ contents, model }: a stored conversation), or undefined.',
    });
  }
  // Each list read once, into a plain array of ours (a Proxy or a throwing getter is an
  // InvalidHistoryError here, not its own error later): a message costs nothing.
  const history = options.history === undefined ? undefined : copyInputList(options.history);
  const input = (
    isInputList(given) ? copyInputList(given as readonly unknown[]) : given
  ) as AgentInput;
  const old = toHistoryContents(history, model);
  const inputContents = toInputContents(input, model);
  // Only `history` (or input given as contents or turns) is old; a message or parts are new turns.
  const contents =
    old.contents.length === 0
      ? inputContents.contents
      : [...old.contents, ...inputContents.contents];
  const inputLength =
    old.contents.length + (inputContents.isHistory ? inputContents.contents.length : 0);
  // Refuse only what the API refuses; a shape it may refuse (no recording says) is logged. A
  // message alone is one user content with one text part, which no check refuses or warns about
  // (any string, '' too): not walked, so a default run calls none of the checks (issue 53, helper
  // tier-tail42: they were among the once-a-run functions V8 still compiled after run 1,000).
  if (contents.length !== 1 || typeof input !== 'string') {
    const issues = options.historyChecks.validate(contents, {
      onWarning: (issue) => warnAboutHistory(issue, options.logger),
    });
    if (issues.length > 0) throw new InvalidHistoryError({ issues });
  }
  const last = contents[contents.length - 1] as Content;
  if (last.role === 'model' && !last.parts.some((part) => readFunctionCall(part) !== undefined)) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `The history ends with a model answer (contents[${contents.length - 1}]), so there is nothing for the model to reply to. Append the next user content.`,
    });
  }
  const prepared = prepareThoughtSignatures(contents, {
    producers: joinProducers(old, inputContents),
    requiresThoughtSignatures: options.requiresThoughtSignatures,
  });
  warnAboutSignatures(prepared, options.logger, model);
  return {
    contents: prepared.contents,
    inputLength,
    ...(old.interactionId === undefined
      ? {}
      : { resume: { interactionId: old.interactionId, length: old.contents.length } }),
  };
}

/** The history option's contents, and who produced them when it is turns of other models. */
function toHistoryContents(
  history: readonly Content[] | readonly HistoryTurn[] | undefined,
  model: string,
): FlattenedTurns {
  if (history === undefined || history.length === 0) return { contents: [], producers: undefined };
  if (isHistoryTurnList(history)) {
    return flattenHistoryTurns(history as readonly HistoryTurn[], { model, argument: 'history' });
  }
  return { contents: history as Content[], producers: undefined };
}

/** One producer per old content (history, then input given as turns), or `undefined` if none. */
function joinProducers(
  old: FlattenedTurns,
  input: FlattenedTurns & { isHistory: boolean },
): (string | undefined)[] | undefined {
  if (input.producers === undefined) return old.producers;
  if (old.contents.length === 0) return input.producers;
  const producers: (string | undefined)[] = old.producers ?? new Array(old.contents.length);
  return producers.concat(input.producers);
}

/**
 * A doubtful history shape the check let through: where it is and what the API may say. No
 * `model` field: the agent's logger is bound to it, and a field of the same name wrote the key
 * twice on the line (leftovers83).
 */
function warnAboutHistory(issue: HistoryIssue, logger: Logger): void {
  if (!isLevelEnabled(logger, 'warn')) return;
  logger.warn(
    {
      code: issue.code,
      at:
        issue.partIndex === undefined
          ? `contents[${issue.contentIndex}]`
          : `contents[${issue.contentIndex}].parts[${issue.partIndex}]`,
    },
    `sending a history the API may refuse (400): ${issue.message}`,
  );
}

/**
 * One warning per run at most: when signatures of other models were removed, it names those
 * models and the parts that get the dummy; else when parts get the dummy, it names them. The
 * model is in the message, not a field: the agent's logger is bound to it.
 */
function warnAboutSignatures(
  { foreign, filled }: PreparedThoughtSignatures,
  logger: Logger,
  model: string,
): void {
  if (foreign !== undefined) {
    if (isLevelEnabled(logger, 'warn')) {
      logger.warn(
        {
          historyModels: foreign.models,
          strippedTurns: foreign.turns,
          dummySignatureParts: filled.map(
            ({ contentIndex, partIndex }) => `contents[${contentIndex}].parts[${partIndex}]`,
          ),
        },
        `removed the thought signatures of ${foreign.turns} model turn(s) produced by ${foreign.models.join(', ')} before sending them to ${model}: signatures are bound to the model that issued them (another model answers 400 "Invalid thought signature")${filled.length > 0 ? `; the documented dummy signature goes on the ${filled.length} function call(s) that require one` : ''}`,
      );
    }
  } else if (filled.length > 0) {
    logger.warn(
      {
        parts: filled.map(
          ({ contentIndex, partIndex }) => `contents[${contentIndex}].parts[${partIndex}]`,
        ),
        signature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
      },
      'input history has function calls without the thought signature Gemini 3 requires; sending the documented dummy signature on them (history from another model, hand-built, or stored without signatures)',
    );
  }
}

function toInputContents(
  input: AgentInput,
  model: string,
): FlattenedTurns & { isHistory: boolean } {
  if (typeof input === 'string') {
    return {
      contents: [{ role: 'user', parts: [{ text: input }] }],
      producers: undefined,
      isHistory: false,
    };
  }
  if (!Array.isArray(input)) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `run() takes a string, an array of parts, or an array of contents or turns (a history to continue); got ${input === null ? 'null' : typeof input}.`,
    });
  }
  if (input.length === 0) {
    throw new InvalidArgumentError({
      argument: 'input',
      message:
        "run() got an empty array; pass a message ('Hello'), parts ([{ text: 'Hello' }]) or a history of contents.",
    });
  }
  if (isHistoryTurnList(input)) {
    const turns = flattenHistoryTurns(input as readonly HistoryTurn[], {
      model,
      argument: 'input',
    });
    return { ...turns, isHistory: true };
  }
  if (isContentList(input)) {
    // `input` is already normalizeInput's own copy (copyInputList).
    return {
      contents: input as Content[],
      producers: undefined,
      isHistory: true,
    };
  }
  return {
    contents: [{ role: 'user', parts: input as Part[] }],
    producers: undefined,
    isHistory: false,
  };
}

/**
 * Contents have `parts` (or a `role`); parts never do. A first entry whose `in` throws (a Proxy)
 * is taken for a content: the history check then reports it as unreadable, at its index.
 */
function isContentList(input: readonly unknown[]): boolean {
  const first = input[0];
  if (typeof first !== 'object' || first === null) return false;
  try {
    return 'parts' in first || 'role' in first;
  } catch {
    return true;
  }
}

/**
 * A history of turns whose last one names the interaction that holds it (a chat turn stored on
 * `api: interactionsApi()`): tells the model-call entry, so the first request sends only what is new
 * with `previous_interaction_id`, even in a process that never answered it. `contents` are the
 * run's (the turns flattened as they are sent); `resume` is what {@link normalizeInput} read from
 * the `history` option, so the caller's turns are not read a second time (a getter that answers
 * differently then resumed from another prefix than the one sent). @internal
 */
export function resumeInteraction(
  modelCall: ModelCallEntry,
  resume: NormalizedInput['resume'],
  contents: readonly Content[],
): void {
  const resumeFrom = modelCall.resumeFrom;
  if (resumeFrom === undefined || resume === undefined) return;
  resumeFrom.call(modelCall, contents.slice(0, resume.length), resume.interactionId);
}
