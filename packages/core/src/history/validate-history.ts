import { checkContent, unreadableList } from './check-content.ts';
import { checkFunctionTurns } from './check-function-turns.ts';
import { checkList, finishIssues } from './finish-issues.ts';
import type { HistoryIssue } from './history-issue.ts';
import type { TurnSummary } from './turn-summary.ts';

/** Options of {@link validateHistory}. */
export type ValidateHistoryOptions = {
  /**
   * Also report unsigned first function calls of the active loop, which Gemini 3 rejects. Set it
   * from `getModelCapabilities(model).requiresThoughtSignatures`. @defaultValue false
   */
  requireThoughtSignatures?: boolean | undefined;
  /**
   * Check gemloop's own shape instead of what the API accepts: each model content of function
   * calls answered by the next content alone, a response's name equal to its call's, no part
   * without a data field. The fake Gemini's opt-in contract (`createFakeGemini({ strictHistory:
   * true })`), for tests that must prove a history is the canonical one. By default only what the
   * API refuses is an issue: consecutive contents of one role are one turn (two model contents of
   * one call each may be answered by one user content, three calls by three user contents), and
   * a part holding only `videoMetadata` after a video part is accepted, as recorded requests the
   * API answered 200 show (`test/fixtures/gemini/requests/`, issue 26). @defaultValue false
   */
  strict?: boolean | undefined;
  /**
   * Told about each shape that the default (lenient) check lets through but the API may refuse,
   * such as a response whose name differs from its call's (no recording shows either way). In
   * strict mode these are issues instead. The agent logs them as warnings.
   */
  onWarning?: ((issue: HistoryIssue) => void) | undefined;
};

/**
 * Checks a `contents` list for what the Gemini API would reject, before a request is made: roles,
 * empty or malformed parts, function calls and responses that do not pair up (count, ids,
 * placement), response payloads that are not objects, and (with `requireThoughtSignatures`)
 * unsigned Gemini 3 function-call turns. Each {@link HistoryIssue} says where and how to fix it.
 * It refuses only what the API refuses; doubtful shapes go to `onWarning` (see `strict` for
 * gemloop's own, stricter shape).
 *
 * Accepts both JSON spellings the API takes (`functionCall` and `function_call`, ...). Never
 * throws, whatever `contents` is: it is the gate for untrusted input. Returns `[]` when the
 * history is fine.
 *
 * @example
 * const issues = validateHistory(contents, { requireThoughtSignatures: true });
 * if (issues.length > 0) throw new Error(issues.map((issue) => issue.message).join('\n'));
 */
export function validateHistory(
  contents: unknown,
  options: ValidateHistoryOptions = {},
): HistoryIssue[] {
  try {
    return checkHistory(contents, options);
  } catch {
    // Each content's and part's reading is caught where it is (check-content.ts); what is left is
    // the list itself, such as a Proxy whose traps throw.
    return [unreadableList()];
  }
}

function checkHistory(contents: unknown, options: ValidateHistoryOptions): HistoryIssue[] {
  const listIssues = checkList(contents);
  if (listIssues !== undefined) return listIssues;
  const list = contents as unknown[];
  const issues: HistoryIssue[] = [];
  const turns: TurnSummary[] = new Array(list.length);
  for (let index = 0; index < list.length; index++) {
    turns[index] = checkContent(list[index], index, issues, options);
  }
  checkFunctionTurns(turns, issues, 0, options);
  return finishIssues(list, turns, issues, options);
}
