import { GemloopError } from '../../errors/gemloop-error.ts';
import type { HistoryIssue } from '../../history/history-issue.ts';

/**
 * The history given to `agent.run()` / `agent.stream()` has shapes the Gemini API would reject
 * (roles, empty parts, unanswered or mismatched function calls, ...). Thrown before any request;
 * each issue says where and how to fix it.
 */
export class InvalidHistoryError extends GemloopError {
  override readonly code = 'invalid-history';
  readonly issues: HistoryIssue[];

  constructor({ issues }: { issues: HistoryIssue[] }) {
    super({
      message:
        `The input history has ${issues.length} problem(s) the Gemini API would reject:\n` +
        issues
          .slice(0, 10)
          .map((issue) => `- ${issue.message}`)
          .join('\n') +
        (issues.length > 10 ? `\n- ... and ${issues.length - 10} more (see error.issues)` : ''),
    });
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is InvalidHistoryError {
    return GemloopError.hasCode(error, 'invalid-history');
  }
}
