import { checkContent } from './check-content.ts';
import { checkFunctionTurns } from './check-function-turns.ts';
import { checkList, finishIssues } from './finish-issues.ts';
import type { HistoryIssue } from './history-issue.ts';
import { isJsonObject, type JsonObject } from './part-fields.ts';
import type { TurnSummary } from './turn-summary.ts';
import type { ValidateHistoryOptions } from './validate-history.ts';

/**
 * What the cache keeps of a content it found valid: its summary for the pairing rules, and what it
 * looked like then (its parts array, their count, its role), so that a content given a new parts
 * array, a part more or less, or another role is checked again.
 */
type CheckedContent = { parts: unknown; partCount: number; role: unknown; turn: TurnSummary };

/**
 * `validateHistory` for histories that grow by appending, such as a chat's, which sends its whole
 * history with every message: each content found valid is walked once, not once per message.
 * Made by {@link createHistoryCheckCache}, one per agent. @internal
 */
export type HistoryCheckCache = {
  /**
   * The issues `validateHistory(contents, options)` finds, for contents that are not edited in
   * place once checked: a content is checked again when it gets a new parts array, another number
   * of parts or another role, not when a part object is edited in place. Histories are
   * append-only: gemloop never edits a content it returned, and its results say not to. One
   * cache serves one `strict` setting (a content found valid is not checked again); warnings
   * (`onWarning`) come once per content or exchange, when it is first checked.
   */
  validate(contents: unknown, options?: ValidateHistoryOptions): HistoryIssue[];
};

/**
 * A new {@link HistoryCheckCache}. It remembers, weakly, every content it found valid, and the last
 * list it found valid as a whole: a list that starts with that list (the same content objects,
 * unchanged) costs a pointer comparison per old content, and the pairing rules run only from the
 * end of the old list on; the new contents are looked up, or checked and remembered. The last
 * valid list is held until the next one replaces it.
 * @internal
 */
export function createHistoryCheckCache(): HistoryCheckCache {
  const checked = new WeakMap<object, CheckedContent>();
  // The last list found valid: its content objects (a copy of the caller's array), what was found
  // for each, and their summaries. Lists that extend it are appended to these arrays in place.
  let lastContents: unknown[] = [];
  let lastChecked: CheckedContent[] = [];
  let lastTurns: TurnSummary[] = [];

  return {
    validate(contents, options = {}) {
      const listIssues = checkList(contents);
      if (listIssues !== undefined) return listIssues;
      const list = contents as unknown[];
      const limit = Math.min(list.length, lastContents.length);
      let prefix = 0;
      while (prefix < limit) {
        const content = list[prefix];
        if (content !== lastContents[prefix]) break;
        if (!isUnchanged(content as JsonObject, lastChecked[prefix] as CheckedContent)) break;
        prefix++;
      }
      const oldLength = lastContents.length;
      const extending = prefix === oldLength;
      const refs = extending ? lastContents : lastContents.slice(0, prefix);
      const found = extending ? lastChecked : lastChecked.slice(0, prefix);
      const turns = extending ? lastTurns : lastTurns.slice(0, prefix);
      const issues: HistoryIssue[] = [];
      let complete = true;
      for (let index = prefix; index < list.length; index++) {
        const content: unknown = list[index];
        let entry: CheckedContent | undefined;
        if (isJsonObject(content)) {
          entry = checked.get(content);
          if (entry !== undefined && !isUnchanged(content, entry)) entry = undefined;
          if (entry === undefined) {
            const before = issues.length;
            const turn = checkContent(content, index, issues, options);
            // Read only once found valid: a getter that threw is an issue, not read again.
            const parts = issues.length === before ? content['parts'] : undefined;
            if (Array.isArray(parts)) {
              entry = { parts, partCount: parts.length, role: content['role'], turn };
              checked.set(content, entry);
            } else {
              turns.push(turn);
              complete = false;
              continue;
            }
          }
        } else {
          turns.push(checkContent(content, index, issues, options));
          complete = false;
          continue;
        }
        refs.push(content);
        found.push(entry);
        turns.push(entry.turn);
      }
      // The old list had no pairing issues: only the exchange its last content belongs to
      // (which may now have more contents) and the new contents can have any.
      checkFunctionTurns(turns, issues, Math.max(0, prefix - 1), options);
      const result = finishIssues(list, turns, issues, options);
      if (complete && result.length === 0) {
        lastContents = refs;
        lastChecked = found;
        lastTurns = turns;
      } else if (extending) {
        // The arrays of the last valid list were appended to: back to what they held.
        lastContents.length = oldLength;
        lastChecked.length = oldLength;
        lastTurns.length = oldLength;
      }
      return result;
    },
  };
}

function isUnchanged(content: JsonObject, entry: CheckedContent): boolean {
  const parts = content['parts'];
  return (
    parts === entry.parts &&
    content['role'] === entry.role &&
    (parts as unknown[]).length === entry.partCount
  );
}
