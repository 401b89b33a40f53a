import type { HistoryIssue } from './history-issue.ts';

/**
 * What to do about an object whose reading threw, shared by the content, part and list issues.
 * @internal
 */
export const UNREADABLE =
  'reading it threw (a getter or a Proxy). Pass plain data, such as a copy made with JSON.parse(JSON.stringify(value)).';

/**
 * The issue for a list of contents whose reading threw (a Proxy's trap, a throwing `length` or
 * index getter). Its own file, not validate-history.ts's: the run's input copy
 * (`agent/copy-input-list.ts`) needs only this, and importing the whole check put
 * validate-history.ts into the agent app's run chunk (+368 bytes gzip, leftovers72's merge).
 * @internal
 */
export function unreadableList(): HistoryIssue {
  return {
    code: 'invalid-contents',
    contentIndex: -1,
    message: `contents could not be read: ${UNREADABLE}`,
  };
}
