import { InvalidArgumentError } from '@gemloop/core';
import { quoteText, redactKeyShapes } from '@gemloop/core/internal';
import type { EvalCase } from './eval-case.ts';
import { CASE_ID_RULE, isCaseId } from './parse-eval-cases.ts';

/**
 * Checks a TypeScript dataset before any case runs (a JSONL one was checked on parsing): a list,
 * each case an object with its own id ({@link isCaseId}) and, where given, an `input` of text or
 * contents, a `conversation` and `history` that are lists. Before, a case that was `null`, a
 * `cases` that was no list, or an `input` object (`{ text: 'hi' }`) threw a bare TypeError
 * (`added is not iterable`) from inside each attempt, after its model call, or rejected `runEval`
 * with `options.cases is not iterable`; a case whose `id` getter threw rejected it with the
 * getter's own error (attack61d). The fields are read here in a `try`: a getter that throws
 * refuses the run before any model call, naming the case.
 * @throws InvalidArgumentError (`argument: 'cases'`) naming the case by its index and id.
 * @internal
 */
export function checkEvalCases(cases: unknown): void {
  if (!Array.isArray(cases)) {
    throw refuse(
      `cases must be a list of cases ({ id, input }), got ${cases === null ? 'null' : typeof cases}.`,
    );
  }
  const ids = new Set<string>();
  cases.forEach((evalCase: unknown, index) => {
    const at = `cases[${index}]`;
    if (typeof evalCase !== 'object' || evalCase === null) {
      throw refuse(`${at} must be a case object ({ id, input }), got ${String(evalCase)}.`);
    }
    let fields: Pick<EvalCase, 'id' | 'input' | 'conversation' | 'history'>;
    try {
      const { id, input, conversation, history } = evalCase as EvalCase;
      fields = { id, input, conversation, history };
    } catch (error) {
      throw refuse(`${at} cannot be read: reading its fields threw (${describe(error)}).`);
    }
    const { id, input, conversation, history } = fields;
    if (!isCaseId(id)) {
      throw refuse(
        `${at} has the id ${typeof id === 'string' ? quoteId(id) : typeof id}; an id must be ${CASE_ID_RULE}.`,
      );
    }
    const named = `${at} (id ${quoteId(id)})`;
    if (ids.has(id)) {
      throw refuse(
        `the case id ${quoteId(id)} is used twice; give every case its own id (repeats runs one case several times).`,
      );
    }
    ids.add(id);
    if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
      throw refuse(
        `${named} has an input that is ${typeof input}: give text, or a list of contents ([{ role: 'user', parts: [{ text }] }]).`,
      );
    }
    if (conversation !== undefined && !Array.isArray(conversation)) {
      throw refuse(`${named} has a conversation that is no list: give the user turns as strings.`);
    }
    if (history !== undefined && !Array.isArray(history)) {
      throw refuse(`${named} has a history that is no list: give it as a list of contents.`);
    }
  });
}

/** A case id as a message quotes it: escaped, cut, a key of a well-known shape redacted. */
function quoteId(id: string): string {
  return quoteText(redactKeyShapes(id), 100);
}

/** What a getter threw, bounded and without its own words' control characters. */
function describe(error: unknown): string {
  try {
    return error instanceof Error
      ? quoteText(redactKeyShapes(String(error.message)), 200)
      : typeof error;
  } catch {
    return 'an error that cannot be read';
  }
}

function refuse(message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: 'cases', message: `runEval: ${message}` });
}
