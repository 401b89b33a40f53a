import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/** One way the structured answer failed its schema. */
export type OutputIssue = {
  /** JSON path in the answer; empty for the whole answer (e.g. not JSON at all). */
  path: (string | number)[];
  message: string;
};

/**
 * The final answer is not valid JSON, or does not match the `output` schema, after the bounded
 * re-asks (`maxReasks`). Carries the raw text and the issues; the bad answers are in the history
 * (each followed by the corrective note the model got).
 */
export class OutputValidationError extends AgentRunError {
  override readonly code = 'output-validation';
  /** The raw text of the last answer. */
  readonly text: string;
  readonly issues: OutputIssue[];

  constructor({
    text,
    issues,
    run,
    cause,
  }: {
    text: string;
    issues: OutputIssue[];
    run: AgentRunState;
    cause?: unknown;
  }) {
    super({
      message: `The model's structured answer does not match the output schema: ${issues
        .slice(0, 5)
        .map(formatIssue)
        .join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}.`,
      run,
      cause,
    });
    this.text = text;
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is OutputValidationError {
    return GemloopError.hasCode(error, 'output-validation');
  }
}

/** `at items[0].qty: Expected number` @internal */
export function formatIssue(issue: OutputIssue): string {
  return issue.path.length === 0 ? issue.message : `at ${formatPath(issue.path)}: ${issue.message}`;
}

/** `items[0].qty` @internal */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
