import { cutTextNoted } from '../../shared/cut-text.ts';
import type { ToolArgumentIssue } from '../tool.ts';

/** The most issues of one call the model is told (more are counted in a last issue). */
const MAX_ISSUES = 20;
/** Past this many characters of messages and paths, the issues after are counted, not listed. */
const MAX_ISSUES_CHARS = 4_000;
/** The longest issue message kept: zod's enum message lists every value (5,000 values, 40 KB). */
const MAX_ISSUE_MESSAGE = 1_000;
/** The longest key kept in a path: a record's key is the model's own text, of any length. */
const MAX_PATH_KEY = 64;
/** The most segments of a path kept, then `…` (a recursive schema's path is as deep as the arguments). */
const MAX_PATH_DEPTH = 32;

/**
 * The argument issues of one call as the model, the call's record and its events are told them:
 * at most {@link MAX_ISSUES} (and about {@link MAX_ISSUES_CHARS} characters), each message and
 * path key cut with a note, and a last issue counting those left out. A validator reports
 * everything it finds, in words that may quote the arguments: 100,000 wrong items were 100,000
 * issues, a refinement's message can hold a 1 MB argument and a record's key is the model's own
 * text, all sent back twice (the `issues` list and the `error` text) in the next request
 * (attack68b: 13.9 MB). The first problems, where they are and how many there were are what the
 * model needs to correct its call. Only a failed call's issues come here: a copy costs nothing on
 * the path of calls that parse.
 * @internal
 */
export function boundArgumentIssues(issues: ToolArgumentIssue[]): ToolArgumentIssue[] {
  const kept: ToolArgumentIssue[] = [];
  let chars = 0;
  for (const { path, message } of issues) {
    if (kept.length === MAX_ISSUES || chars > MAX_ISSUES_CHARS) break;
    const cutPath = path
      .slice(0, MAX_PATH_DEPTH)
      .map((key) => (typeof key === 'string' ? cutTextNoted(key, MAX_PATH_KEY) : key));
    if (path.length > MAX_PATH_DEPTH) cutPath.push('…');
    const cutMessage = cutTextNoted(message, MAX_ISSUE_MESSAGE);
    chars += cutMessage.length + cutPath.join().length;
    kept.push({ path: cutPath, message: cutMessage });
  }
  const left = issues.length - kept.length;
  if (left > 0) kept.push({ path: [], message: `${left} more issues not shown` });
  return kept;
}
