import { checkExchanges, exchangeStart } from './check-function-exchanges.ts';
import type { HistoryIssue } from './history-issue.ts';
import { answeredInOrder, listNames, locate, matchResponses } from './match-function-responses.ts';
import type { PairingOptions, TurnSummary } from './turn-summary.ts';

/**
 * The pairing rules of function calling. Calls and responses never share a content, calls go in
 * model contents and responses in user contents, and a call turn never starts the history.
 *
 * Lenient (the default), as the API reads a history: consecutive contents of one role are one
 * turn. The calls of a run of model contents are answered by the run of user contents right after
 * it, which holds exactly as many `functionResponse` parts ("Please ensure that the number of
 * function response parts is equal to the number of function call parts of the function call
 * turn", the API's 400), matched by id when the calls have ids, else by name, in any order. The
 * API answered 200 to two model contents of one call each answered by one user content, and to
 * one model content of three calls answered by three user contents (recordings under
 * `test/fixtures/gemini/requests/`, issue 26). A response whose name differs from its call's is
 * a warning: no recording shows the API refusing it.
 *
 * Strict (`strict: true`, the fake's opt-in contract): a model call turn follows a user content
 * and is answered by the next content alone, one response per call; a name mismatch is an issue.
 *
 * `turns[index]` summarises `contents[index]`. One pass with no allocation for a history that
 * follows the rules: messages are built only for the issues found. A caller who knows
 * `turns[0..from]` followed the rules (as the whole list they were) checks from `from` on: the
 * turn that `from` belongs to is checked again whole.
 * @internal
 */
export function checkFunctionTurns(
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
  from = 0,
  options: PairingOptions = {},
): void {
  const strict = options.strict === true;
  for (let index = from; index < turns.length; index++) {
    const turn = turns[index] as TurnSummary;
    const hasCalls = turn.calls.length > 0;
    const hasResponses = turn.responses.length > 0;
    if (!hasCalls && !hasResponses) continue;
    if (hasCalls && hasResponses) {
      issues.push({
        code: 'function-call-and-response-mixed',
        contentIndex: index,
        message:
          `contents[${index}] holds both functionCall and functionResponse parts. Calls go in the model content, ` +
          'their responses in the next (user) content.',
      });
      continue;
    }
    if (hasCalls && turn.role === 'user') {
      issues.push({
        code: 'function-call-not-in-model-turn',
        contentIndex: index,
        partIndex: turn.calls[0]?.partIndex,
        message: `contents[${index}] is a user content with a functionCall part; function calls belong in role 'model' contents.`,
      });
    }
    if (hasResponses && turn.role === 'model') {
      issues.push({
        code: 'function-response-not-in-user-turn',
        contentIndex: index,
        partIndex: turn.responses[0]?.partIndex,
        message: `contents[${index}] is a model content with a functionResponse part; send function responses with role 'user'.`,
      });
    }
    if (!strict) continue;
    if (hasCalls && turn.role === 'model') checkCallTurn(turn, index, turns, issues);
    if (hasResponses && turn.role === 'user') {
      const previous = turns[index - 1];
      if (previous === undefined || !isCallTurn(previous)) {
        issues.push({
          code: 'function-response-without-call',
          contentIndex: index,
          partIndex: turn.responses[0]?.partIndex,
          message:
            `contents[${index}] holds function responses but does not directly follow a model content with function calls. ` +
            'Put all responses to one model turn in the single user content right after it, and drop responses whose call is gone.',
        });
      }
    }
  }
  if (!strict) checkExchanges(turns, issues, exchangeStart(turns, from), options.onWarning);
}

function isCallTurn(turn: TurnSummary): boolean {
  return turn.role === 'model' && turn.calls.length > 0 && turn.responses.length === 0;
}

function checkCallTurn(
  turn: TurnSummary,
  index: number,
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
): void {
  const previous = turns[index - 1];
  if (previous === undefined || previous.role !== 'user') {
    issues.push({
      code: 'function-call-turn-position',
      contentIndex: index,
      message:
        previous === undefined
          ? `contents[${index}] is a model function-call turn at the start of the history; begin with the user content that led to it.`
          : `contents[${index}] is a model function-call turn right after another model content; merge the two model contents into one, or drop one.`,
    });
  }
  const next = turns[index + 1];
  // A trailing call turn is the model's last word: its responses are what the caller sends next.
  if (next === undefined) return;
  if (next.role !== 'user' || next.responses.length === 0 || next.calls.length > 0) {
    issues.push({
      code: 'function-call-without-response',
      contentIndex: index,
      message:
        `contents[${index}] has ${turn.calls.length} function call(s) (${listNames(turn.calls)}) but contents[${index + 1}] does not answer them. ` +
        'Put one functionResponse per call in the user content right after it (an { error } response if a call was not run).',
    });
    return;
  }
  if (next.responses.length !== turn.calls.length) {
    issues.push({
      code: 'function-response-count',
      contentIndex: index + 1,
      message:
        `contents[${index + 1}] has ${next.responses.length} functionResponse part(s) for the ${turn.calls.length} ` +
        `call(s) of contents[${index}] (${listNames(turn.calls)}). Send exactly one response per call, all in this content, in call order.`,
    });
    return;
  }
  if (answeredInOrder(turn.calls, next.responses)) return;
  const report = (issue: HistoryIssue) => issues.push(issue);
  matchResponses(
    locate(turn.calls, index),
    `contents[${index}]`,
    locate(next.responses, index + 1),
    issues,
    report,
  );
}
