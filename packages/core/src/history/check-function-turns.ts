import type { HistoryIssue } from './history-issue.ts';

/** A `functionCall` or `functionResponse` found in a content. @internal */
export type FunctionPartSummary = {
  partIndex: number;
  id: string | undefined;
  name: string | undefined;
};

/** What the pairing rules need to know about one content. @internal */
export type TurnSummary = {
  index: number;
  /** `invalid` for a non-object content or an unknown role: pairing rules skip it. */
  role: 'user' | 'model' | 'invalid';
  calls: FunctionPartSummary[];
  responses: FunctionPartSummary[];
  /** Parts that are neither calls nor responses. */
  otherParts: number;
};

/**
 * The pairing rules of function calling: a model call turn follows a user content and is answered
 * by the next content, a user content holding exactly one `functionResponse` per call (same ids
 * when the calls have ids, same names); calls and responses never share a content.
 * @internal
 */
export function checkFunctionTurns(turns: readonly TurnSummary[], issues: HistoryIssue[]): void {
  for (const turn of turns) {
    const at = `contents[${turn.index}]`;
    const hasCalls = turn.calls.length > 0;
    const hasResponses = turn.responses.length > 0;
    if (hasCalls && hasResponses) {
      issues.push({
        code: 'function-call-and-response-mixed',
        contentIndex: turn.index,
        message:
          `${at} holds both functionCall and functionResponse parts. Calls go in the model content, ` +
          'their responses in the next (user) content.',
      });
      continue;
    }
    if (hasCalls && turn.role === 'user') {
      issues.push({
        code: 'function-call-not-in-model-turn',
        contentIndex: turn.index,
        partIndex: turn.calls[0]?.partIndex,
        message: `${at} is a user content with a functionCall part; function calls belong in role 'model' contents.`,
      });
    }
    if (hasResponses && turn.role === 'model') {
      issues.push({
        code: 'function-response-not-in-user-turn',
        contentIndex: turn.index,
        partIndex: turn.responses[0]?.partIndex,
        message: `${at} is a model content with a functionResponse part; send function responses with role 'user'.`,
      });
    }
    if (hasCalls && turn.role === 'model') checkCallTurn(turn, turns, issues);
    if (hasResponses && turn.role === 'user') {
      const previous = turns[turn.index - 1];
      if (previous === undefined || !isCallTurn(previous)) {
        issues.push({
          code: 'function-response-without-call',
          contentIndex: turn.index,
          partIndex: turn.responses[0]?.partIndex,
          message:
            `${at} holds function responses but does not directly follow a model content with function calls. ` +
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
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
): void {
  const at = `contents[${turn.index}]`;
  const previous = turns[turn.index - 1];
  if (previous === undefined || previous.role !== 'user') {
    issues.push({
      code: 'function-call-turn-position',
      contentIndex: turn.index,
      message:
        previous === undefined
          ? `${at} is a model function-call turn at the start of the history; begin with the user content that led to it.`
          : `${at} is a model function-call turn right after another model content; merge the two model contents into one, or drop one.`,
    });
  }
  const next = turns[turn.index + 1];
  // A trailing call turn is the model's last word: its responses are what the caller sends next.
  if (next === undefined) return;
  if (next.role !== 'user' || next.responses.length === 0 || next.calls.length > 0) {
    issues.push({
      code: 'function-call-without-response',
      contentIndex: turn.index,
      message:
        `${at} has ${turn.calls.length} function call(s) (${listNames(turn.calls)}) but contents[${next.index}] does not answer them. ` +
        'Put one functionResponse per call in the user content right after it (an { error } response if a call was not run).',
    });
    return;
  }
  if (next.responses.length !== turn.calls.length) {
    issues.push({
      code: 'function-response-count',
      contentIndex: next.index,
      message:
        `contents[${next.index}] has ${next.responses.length} functionResponse part(s) for the ${turn.calls.length} ` +
        `call(s) of ${at} (${listNames(turn.calls)}). Send exactly one response per call, all in this content, in call order.`,
    });
    return;
  }
  matchResponses(turn, next, issues);
}

function matchResponses(turn: TurnSummary, next: TurnSummary, issues: HistoryIssue[]): void {
  const callsHaveIds = turn.calls.every((call) => call.id !== undefined);
  const unmatched = turn.calls.slice();
  for (const response of next.responses) {
    const at = `contents[${next.index}].parts[${response.partIndex}].functionResponse`;
    if (callsHaveIds) {
      const found = unmatched.findIndex((call) => call.id === response.id);
      if (found === -1) {
        issues.push({
          code: 'function-response-id-mismatch',
          contentIndex: next.index,
          partIndex: response.partIndex,
          message:
            `${at}.id is ${response.id === undefined ? 'missing' : JSON.stringify(response.id)}, which matches no unanswered call of ` +
            `contents[${turn.index}] (ids ${unmatched.map((call) => JSON.stringify(call.id)).join(', ') || 'all answered'}). Copy each call's id to its response.`,
        });
        continue;
      }
      const [call] = unmatched.splice(found, 1);
      if (call?.name !== undefined && response.name !== undefined && call.name !== response.name) {
        issues.push(nameMismatch(at, next, response, call.name));
      }
      continue;
    }
    // Without ids the API pairs by name; answer in call order.
    const found = unmatched.findIndex((call) => call.name === response.name);
    if (found === -1) {
      if (response.name !== undefined) {
        issues.push(nameMismatch(at, next, response, listNames(unmatched) || 'none left'));
      }
      unmatched.shift();
      continue;
    }
    unmatched.splice(found, 1);
  }
}

function nameMismatch(
  at: string,
  next: TurnSummary,
  response: FunctionPartSummary,
  expected: string,
): HistoryIssue {
  return {
    code: 'function-response-name-mismatch',
    contentIndex: next.index,
    partIndex: response.partIndex,
    message: `${at}.name is ${JSON.stringify(response.name)} but the call it answers is ${expected}. Use the call's name.`,
  };
}

function listNames(parts: readonly FunctionPartSummary[]): string {
  return parts.map((part) => part.name ?? '?').join(', ');
}
