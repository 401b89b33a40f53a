import type { HistoryIssue } from './history-issue.ts';
import {
  answeredInOrder,
  type LocatedPart,
  listNames,
  locate,
  matchResponses,
} from './match-function-responses.ts';
import type { TurnSummary } from './turn-summary.ts';

// The lenient pairing rules of checkFunctionTurns: consecutive contents of one role are one turn,
// as the API reads a history (issue 26).

/**
 * Where the lenient rules start again from `from`: the first content of the exchange (a run of
 * model contents and the run of user contents after it) that `from` belongs to, since a content
 * appended to a run changes what the whole exchange holds.
 * @internal
 */
export function exchangeStart(turns: readonly TurnSummary[], from: number): number {
  let start = Math.min(from, turns.length - 1);
  while (start > 0) {
    const role = (turns[start] as TurnSummary).role;
    const previous = (turns[start - 1] as TurnSummary).role;
    if (role === 'invalid' || previous === 'invalid') break;
    if (previous !== role && !(role === 'user' && previous === 'model')) break;
    start--;
  }
  return Math.max(start, 0);
}

/** The end (exclusive) of the run of contents of `turns[start]`'s role. */
function runEnd(turns: readonly TurnSummary[], start: number): number {
  const role = (turns[start] as TurnSummary).role;
  let end = start + 1;
  if (role === 'invalid') return end;
  while (end < turns.length && (turns[end] as TurnSummary).role === role) end++;
  return end;
}

/**
 * The lenient pairing rules, run by run from `from` (an {@link exchangeStart}): see
 * `checkFunctionTurns`.
 * @internal
 */
export function checkExchanges(
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
  from: number,
  onWarning: ((issue: HistoryIssue) => void) | undefined,
): void {
  let index = from;
  while (index < turns.length) {
    const turn = turns[index] as TurnSummary;
    const end = runEnd(turns, index);
    if (turn.role === 'user') {
      // A user run reached here follows no call run (a call run takes the user run after it).
      const first = firstWith(turns, index, end, 'responses');
      if (first !== -1) {
        issues.push({
          code: 'function-response-without-call',
          contentIndex: first,
          partIndex: (turns[first] as TurnSummary).responses[0]?.partIndex,
          message:
            `contents[${first}] holds function responses but does not follow a model content with function calls. ` +
            'Answer the calls of a model turn in the user content(s) right after it, and drop responses whose call is gone.',
        });
      }
      index = end;
      continue;
    }
    if (turn.role !== 'model') {
      index = end;
      continue;
    }
    const first = firstWith(turns, index, end, 'calls');
    if (first === -1) {
      index = end;
      continue;
    }
    if (index === 0) {
      issues.push({
        code: 'function-call-turn-position',
        contentIndex: first,
        message: `contents[${first}] is a model function-call turn at the start of the history; begin with the user content that led to it.`,
      });
    }
    // A trailing call turn is the model's last word: its responses are what the caller sends next.
    if (end === turns.length) return;
    const answerEnd = (turns[end] as TurnSummary).role === 'user' ? runEnd(turns, end) : end;
    checkAnswer(turns, index, end, answerEnd, issues, onWarning);
    index = answerEnd;
  }
}

/** The first content of `turns[start..end)` with calls (or responses), or -1. */
function firstWith(
  turns: readonly TurnSummary[],
  start: number,
  end: number,
  key: 'calls' | 'responses',
): number {
  for (let index = start; index < end; index++) {
    if ((turns[index] as TurnSummary)[key].length > 0) return index;
  }
  return -1;
}

/**
 * Checks the answer to the calls of `turns[callStart..callEnd)`: the user contents
 * `turns[callEnd..answerEnd)`. Strings and arrays are made only for an issue, or when calls or
 * responses span contents.
 */
function checkAnswer(
  turns: readonly TurnSummary[],
  callStart: number,
  callEnd: number,
  answerEnd: number,
  issues: HistoryIssue[],
  onWarning: ((issue: HistoryIssue) => void) | undefined,
): void {
  const firstCall = firstWith(turns, callStart, callEnd, 'calls');
  const firstResponse = firstWith(turns, callEnd, answerEnd, 'responses');
  // One content each side (the usual shape): its summaries, without allocating.
  const single =
    firstWith(turns, firstCall + 1, callEnd, 'calls') === -1 &&
    (firstResponse === -1 || firstWith(turns, firstResponse + 1, answerEnd, 'responses') === -1);
  const calls = single
    ? (turns[firstCall] as TurnSummary).calls
    : collect(turns, callStart, callEnd, 'calls').map((located) => located.part);
  if (firstResponse === -1) {
    issues.push({
      code: 'function-call-without-response',
      contentIndex: firstCall,
      message:
        `${describeRun(turns, callStart, callEnd, 'calls')} ${calls.length === 1 ? 'has' : 'have'} ${calls.length} function call(s) (${listNames(calls)}) but ` +
        `${callEnd < turns.length ? `contents[${callEnd}]` : 'nothing'} does not answer them. ` +
        'Put one functionResponse per call in the user content(s) right after the calls (an { error } response if a call was not run).',
    });
    return;
  }
  const responses = single
    ? (turns[firstResponse] as TurnSummary).responses
    : collect(turns, callEnd, answerEnd, 'responses').map((located) => located.part);
  if (responses.length !== calls.length) {
    issues.push({
      code: 'function-response-count',
      contentIndex: firstResponse,
      message:
        `${describeRun(turns, callEnd, answerEnd, 'responses')} ${responses.length === 1 ? 'has' : 'have'} ${responses.length} functionResponse part(s) for the ${calls.length} ` +
        `call(s) of ${describeRun(turns, callStart, callEnd, 'calls')} (${listNames(calls)}). Send exactly one response per call, in the user content(s) right after the calls.`,
    });
    return;
  }
  if (answeredInOrder(calls, responses)) return;
  const report = (issue: HistoryIssue) => {
    if (issue.code === 'function-response-name-mismatch') onWarning?.(issue);
    else issues.push(issue);
  };
  matchResponses(
    single ? locate(calls, firstCall) : collect(turns, callStart, callEnd, 'calls'),
    describeRun(turns, callStart, callEnd, 'calls'),
    single ? locate(responses, firstResponse) : collect(turns, callEnd, answerEnd, 'responses'),
    issues,
    report,
  );
}

/** `contents[3]`, or `contents[3..4]` when the calls (responses) of the run span contents. */
function describeRun(
  turns: readonly TurnSummary[],
  start: number,
  end: number,
  key: 'calls' | 'responses',
): string {
  let first = -1;
  let last = -1;
  for (let index = start; index < end; index++) {
    if ((turns[index] as TurnSummary)[key].length === 0) continue;
    if (first === -1) first = index;
    last = index;
  }
  return first === last ? `contents[${first}]` : `contents[${first}..${last}]`;
}

/** The calls (or responses) of `turns[start..end)`, located. */
function collect(
  turns: readonly TurnSummary[],
  start: number,
  end: number,
  key: 'calls' | 'responses',
): LocatedPart[] {
  const found: LocatedPart[] = [];
  for (let index = start; index < end; index++) {
    for (const part of (turns[index] as TurnSummary)[key])
      found.push({ contentIndex: index, part });
  }
  return found;
}
