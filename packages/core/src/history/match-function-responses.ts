import type { HistoryIssue } from './history-issue.ts';
import type { FunctionPartSummary } from './turn-summary.ts';

// Pairing the responses of a function-call turn with its calls, for both the strict check (one
// content each side) and the lenient one (calls and responses over runs of contents).

/** A call or response and the content it is in. @internal */
export type LocatedPart = { contentIndex: number; part: FunctionPartSummary };

/** `parts` of the content at `contentIndex`, located. @internal */
export function locate(parts: readonly FunctionPartSummary[], contentIndex: number): LocatedPart[] {
  return parts.map((part) => ({ contentIndex, part }));
}

/**
 * The usual case, checked without allocating: the n-th response answers the n-th call (same id
 * when the calls have ids, else same name) and no names differ. {@link matchResponses} finds no
 * issue in such a turn.
 * @internal
 */
export function answeredInOrder(
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
 * @internal
 */
export function matchResponses(
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

/** The names of calls or responses, for messages (`?` for a missing one). @internal */
export function listNames(parts: readonly FunctionPartSummary[]): string {
  return parts.map((part) => part.name ?? '?').join(', ');
}
