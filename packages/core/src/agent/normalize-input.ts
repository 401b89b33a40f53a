import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readFunctionCall } from '../history/part-fields.ts';
import type { HistoryCheckCache } from '../history/validate-history-cached.ts';
import type { Logger } from '../logging/logger.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { Content, Part } from '../wire/content.ts';
import { ensureThoughtSignatures } from './ensure-thought-signatures.ts';
import { InvalidHistoryError } from './errors/invalid-history-error.ts';
import { stripForeignSignatures } from './strip-foreign-signatures.ts';

/** The run's starting history. @internal */
export type NormalizedInput = {
  /** A new array the run appends to; the caller's array and objects are never mutated. */
  contents: Content[];
  /**
   * How many contents are old: `history`, or the input itself when given as contents. A message
   * or parts given as input are new (a chat store saves them with the answer).
   */
  inputLength: number;
};

/**
 * Turns `run()` input (and the `history` option) into the starting history: a string or parts
 * become one user content after `history`; the whole list is checked with `validateHistory` (what the API would reject fails here, before any
 * request, with every issue listed), loses the thought signatures of turns another model produced
 * (`historyModel`), and gets dummy thought signatures where Gemini 3 needs them.
 *
 * A history may end with a model turn of function calls (the caller stopped to approve them, or
 * stored them): the run answers those calls first. It may not end with a model answer: there is
 * nothing for the model to reply to.
 *
 * @throws {@link InvalidArgumentError} for input of the wrong type.
 * @throws {@link InvalidHistoryError} for a history the API would reject.
 * @internal
 */
export function normalizeInput(
  input: AgentInput,
  options: {
    history: readonly Content[] | undefined;
    /** Who produced the old contents (see `RunOptions.historyModel`). */
    historyModel?: string | readonly (string | undefined)[] | undefined;
    requiresThoughtSignatures: boolean;
    logger: Logger;
    model: string;
    /** Contents the agent already found valid (see `AgentConfig.historyChecks`). */
    historyChecks: HistoryCheckCache;
  },
): NormalizedInput {
  const { history } = options;
  if (history !== undefined && !Array.isArray(history)) {
    throw new InvalidArgumentError({
      argument: 'history',
      message: 'history must be an array of contents (a stored conversation), or undefined.',
    });
  }
  const inputContents = toInputContents(input);
  // Only `history` (or input given as contents) is old; a message or parts are new turns.
  const contents =
    history === undefined || history.length === 0
      ? inputContents.contents
      : [...history, ...inputContents.contents];
  const inputLength =
    (history?.length ?? 0) + (inputContents.isHistory ? inputContents.contents.length : 0);
  const issues = options.historyChecks.validate(contents);
  if (issues.length > 0) throw new InvalidHistoryError({ issues });
  const last = contents[contents.length - 1] as Content;
  if (last.role === 'model' && !last.parts.some((part) => readFunctionCall(part) !== undefined)) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `The history ends with a model answer (contents[${contents.length - 1}]), so there is nothing for the model to reply to. Append the next user content.`,
    });
  }
  // Another model's signatures would be refused (they are model-bound): removed here, so the
  // dummy goes where Gemini 3 requires a signature, with one warning for both.
  const foreign = stripForeignSignatures(contents, {
    oldLength: inputLength,
    historyModel: options.historyModel,
    model: options.model,
  });
  return {
    contents: ensureThoughtSignatures(contents, {
      requiresThoughtSignatures: options.requiresThoughtSignatures,
      logger: options.logger,
      model: options.model,
      foreign,
    }),
    inputLength,
  };
}

function toInputContents(input: AgentInput): { contents: Content[]; isHistory: boolean } {
  if (typeof input === 'string') {
    return { contents: [{ role: 'user', parts: [{ text: input }] }], isHistory: false };
  }
  if (!Array.isArray(input)) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `run() takes a string, an array of parts, or an array of contents (a history to continue); got ${input === null ? 'null' : typeof input}.`,
    });
  }
  if (input.length === 0) {
    throw new InvalidArgumentError({
      argument: 'input',
      message:
        "run() got an empty array; pass a message ('Hello'), parts ([{ text: 'Hello' }]) or a history of contents.",
    });
  }
  if (isContentList(input))
    return { contents: (input as readonly Content[]).slice(), isHistory: true };
  return {
    contents: [{ role: 'user', parts: (input as readonly Part[]).slice() }],
    isHistory: false,
  };
}

/** Contents have `parts` (or a `role`); parts never do. */
function isContentList(input: readonly unknown[]): boolean {
  const first = input[0];
  return typeof first === 'object' && first !== null && ('parts' in first || 'role' in first);
}
