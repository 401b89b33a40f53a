import type { HistoryIssue } from './history-issue.ts';

/** A `functionCall` or `functionResponse` found in a content. @internal */
export type FunctionPartSummary = {
  partIndex: number;
  id: string | undefined;
  name: string | undefined;
};

/**
 * What the pairing rules need to know about one content. It does not say where the content is,
 * so the summary of a content already checked can be kept and reused in a longer history.
 * @internal
 */
export type TurnSummary = {
  /** `invalid` for a non-object content or an unknown role: pairing rules skip it. */
  role: 'user' | 'model' | 'invalid';
  calls: FunctionPartSummary[];
  responses: FunctionPartSummary[];
};

/**
 * How {@link checkFunctionTurns} pairs calls with responses. @internal
 */
export type PairingOptions = {
  /**
   * `true`: gemloop's own shape, one content per side (a model content of calls answered by the
   * next content, a user content with one response per call). `false`: what the API accepts,
   * consecutive contents of one role read as one turn (see {@link checkFunctionTurns}).
   */
  strict?: boolean | undefined;
  /** Where the lenient rules report a shape the API may accept (a response name that differs). */
  onWarning?: ((issue: HistoryIssue) => void) | undefined;
};

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

/**
 * Where the lenient rules start again from `from`: the first content of the exchange (a run of
 * model contents and the run of user contents after it) that `from` belongs to, since a content
 * appended to a run changes what the whole exchange holds.
 */
function exchangeStart(turns: readonly TurnSummary[], from: number): number {
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

/** The lenient rules, run by run (see {@link checkFunctionTurns}). */
function checkExchanges(
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
    checkAnswer(turns, { start: index, end }, { start: end, end: answerEnd }, issues, onWarning);
    index = answerEnd;
  }
}

type Run = { start: number; end: number };

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

function checkAnswer(
  turns: readonly TurnSummary[],
  callRun: Run,
  answerRun: Run,
  issues: HistoryIssue[],
  onWarning: ((issue: HistoryIssue) => void) | undefined,
): void {
  const firstCall = firstWith(turns, callRun.start, callRun.end, 'calls');
  const firstResponse = firstWith(turns, answerRun.start, answerRun.end, 'responses');
  const callsAt = describeRun(turns, callRun, 'calls');
  // One content each side (the usual shape): its summaries, without allocating.
  const single =
    firstWith(turns, firstCall + 1, callRun.end, 'calls') === -1 &&
    (firstResponse === -1 ||
      firstWith(turns, firstResponse + 1, answerRun.end, 'responses') === -1);
  const calls = single
    ? (turns[firstCall] as TurnSummary).calls
    : collect(turns, callRun, 'calls').map((located) => located.part);
  if (firstResponse === -1) {
    issues.push({
      code: 'function-call-without-response',
      contentIndex: firstCall,
      message:
        `${callsAt} ${calls.length === 1 ? 'has' : 'have'} ${calls.length} function call(s) (${listNames(calls)}) but ` +
        `${answerRun.start < turns.length ? `contents[${answerRun.start}]` : 'nothing'} does not answer them. ` +
        'Put one functionResponse per call in the user content(s) right after the calls (an { error } response if a call was not run).',
    });
    return;
  }
  const responses = single
    ? (turns[firstResponse] as TurnSummary).responses
    : collect(turns, answerRun, 'responses').map((located) => located.part);
  if (responses.length !== calls.length) {
    issues.push({
      code: 'function-response-count',
      contentIndex: firstResponse,
      message:
        `${describeRun(turns, answerRun, 'responses')} ${responses.length === 1 ? 'has' : 'have'} ${responses.length} functionResponse part(s) for the ${calls.length} ` +
        `call(s) of ${callsAt} (${listNames(calls)}). Send exactly one response per call, in the user content(s) right after the calls.`,
    });
    return;
  }
  if (answeredInOrder(calls, responses)) return;
  const report = (issue: HistoryIssue) => {
    if (issue.code === 'function-response-name-mismatch') onWarning?.(issue);
    else issues.push(issue);
  };
  const located = (run: Run, key: 'calls' | 'responses', at: number) =>
    single ? locate((turns[at] as TurnSummary)[key], at) : collect(turns, run, key);
  matchResponses(
    located(callRun, 'calls', firstCall),
    callsAt,
    located(answerRun, 'responses', firstResponse),
    issues,
    report,
  );
}

/** `contents[3]`, or `contents[3..4]` when the calls (responses) of the run span contents. */
function describeRun(turns: readonly TurnSummary[], run: Run, key: 'calls' | 'responses'): string {
  let first = -1;
  let last = -1;
  for (let index = run.start; index < run.end; index++) {
    if ((turns[index] as TurnSummary)[key].length === 0) continue;
    if (first === -1) first = index;
    last = index;
  }
  return first === last ? `contents[${first}]` : `contents[${first}..${last}]`;
}

/** A call or response and the content it is in. */
type LocatedPart = { contentIndex: number; part: FunctionPartSummary };

function locate(parts: readonly FunctionPartSummary[], contentIndex: number): LocatedPart[] {
  return parts.map((part) => ({ contentIndex, part }));
}

function collect(
  turns: readonly TurnSummary[],
  run: Run,
  key: 'calls' | 'responses',
): LocatedPart[] {
  const found: LocatedPart[] = [];
  for (let index = run.start; index < run.end; index++) {
    for (const part of (turns[index] as TurnSummary)[key])
      found.push({ contentIndex: index, part });
  }
  return found;
}

/**
 * The usual case, checked without allocating: the n-th response answers the n-th call (same id
 * when the calls have ids, else same name) and no names differ. {@link matchResponses} finds no
 * issue in such a turn.
 */
function answeredInOrder(
  calls: readonly FunctionPartSummary[],
  responses: readonly FunctionPartSummary[],
): boolean {
  let callsHaveIds = true;
  for (const call of calls) {
    if (call.id === undefined) {
      callsHaveIds = false;
      break;
    }
  }
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index] as FunctionPartSummary;
    const response = responses[index] as FunctionPartSummary;
    if (callsHaveIds) {
      if (response.id !== call.id) return false;
      if (call.name !== undefined && response.name !== undefined && call.name !== response.name)
        return false;
    } else if (call.name !== response.name) {
      return false;
    }
  }
  return true;
}

/**
 * Pairs each response with a call: by id when every call has one, else by name (in call order);
 * an id that matches no call is an issue, a name mismatch goes to `report` (an issue in strict
 * mode, a warning in lenient mode).
 */
function matchResponses(
  calls: readonly LocatedPart[],
  callsAt: string,
  responses: readonly LocatedPart[],
  issues: HistoryIssue[],
  report: (issue: HistoryIssue) => void,
): void {
  const callsHaveIds = calls.every(({ part }) => part.id !== undefined);
  const unmatched = calls.map(({ part }) => part);
  for (const { contentIndex, part: response } of responses) {
    const at = `contents[${contentIndex}].parts[${response.partIndex}].functionResponse`;
    if (callsHaveIds) {
      const found = unmatched.findIndex((call) => call.id === response.id);
      if (found === -1) {
        issues.push({
          code: 'function-response-id-mismatch',
          contentIndex,
          partIndex: response.partIndex,
          message:
            `${at}.id is ${response.id === undefined ? 'missing' : JSON.stringify(response.id)}, which matches no unanswered call of ` +
            `${callsAt} (ids ${unmatched.map((call) => JSON.stringify(call.id)).join(', ') || 'all answered'}). Copy each call's id to its response.`,
        });
        continue;
      }
      const [call] = unmatched.splice(found, 1);
      if (call?.name !== undefined && response.name !== undefined && call.name !== response.name) {
        report(nameMismatch(at, contentIndex, response, call.name));
      }
      continue;
    }
    // Without ids the API pairs by name; answer in call order.
    const found = unmatched.findIndex((call) => call.name === response.name);
    if (found === -1) {
      if (response.name !== undefined) {
        report(nameMismatch(at, contentIndex, response, listNames(unmatched) || 'none left'));
      }
      unmatched.shift();
      continue;
    }
    unmatched.splice(found, 1);
  }
}

function nameMismatch(
  at: string,
  contentIndex: number,
  response: FunctionPartSummary,
  expected: string,
): HistoryIssue {
  return {
    code: 'function-response-name-mismatch',
    contentIndex,
    partIndex: response.partIndex,
    message: `${at}.name is ${JSON.stringify(response.name)} but the call it answers is ${expected}. Use the call's name.`,
  };
}

function listNames(parts: readonly FunctionPartSummary[]): string {
  return parts.map((part) => part.name ?? '?').join(', ');
}
