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
 * The pairing rules of function calling: a model call turn follows a user content and is answered
 * by the next content, a user content holding exactly one `functionResponse` per call (same ids
 * when the calls have ids, same names); calls and responses never share a content.
 *
 * `turns[index]` summarises `contents[index]`. One pass with no allocation for a history that
 * follows the rules: messages are built only for the issues found. The rules at an index look at
 * its neighbours only, so a caller who knows `turns[0..from]` followed them (as the whole list
 * they were) checks from `from` on.
 * @internal
 */
export function checkFunctionTurns(
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
  from = 0,
): void {
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
  if (answeredInOrder(turn, next)) return;
  matchResponses(turn, index, next, issues);
}

/**
 * The usual case, checked without allocating: the n-th response answers the n-th call (same id
 * when the calls have ids, else same name) and no names differ. {@link matchResponses} finds no
 * issue in such a turn.
 */
function answeredInOrder(turn: TurnSummary, next: TurnSummary): boolean {
  const { calls } = turn;
  let callsHaveIds = true;
  for (const call of calls) {
    if (call.id === undefined) {
      callsHaveIds = false;
      break;
    }
  }
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index] as FunctionPartSummary;
    const response = next.responses[index] as FunctionPartSummary;
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

function matchResponses(
  turn: TurnSummary,
  index: number,
  next: TurnSummary,
  issues: HistoryIssue[],
): void {
  const nextIndex = index + 1;
  const callsHaveIds = turn.calls.every((call) => call.id !== undefined);
  const unmatched = turn.calls.slice();
  for (const response of next.responses) {
    const at = `contents[${nextIndex}].parts[${response.partIndex}].functionResponse`;
    if (callsHaveIds) {
      const found = unmatched.findIndex((call) => call.id === response.id);
      if (found === -1) {
        issues.push({
          code: 'function-response-id-mismatch',
          contentIndex: nextIndex,
          partIndex: response.partIndex,
          message:
            `${at}.id is ${response.id === undefined ? 'missing' : JSON.stringify(response.id)}, which matches no unanswered call of ` +
            `contents[${index}] (ids ${unmatched.map((call) => JSON.stringify(call.id)).join(', ') || 'all answered'}). Copy each call's id to its response.`,
        });
        continue;
      }
      const [call] = unmatched.splice(found, 1);
      if (call?.name !== undefined && response.name !== undefined && call.name !== response.name) {
        issues.push(nameMismatch(at, nextIndex, response, call.name));
      }
      continue;
    }
    // Without ids the API pairs by name; answer in call order.
    const found = unmatched.findIndex((call) => call.name === response.name);
    if (found === -1) {
      if (response.name !== undefined) {
        issues.push(nameMismatch(at, nextIndex, response, listNames(unmatched) || 'none left'));
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
