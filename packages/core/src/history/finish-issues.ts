import { describe } from './check-content.ts';
import type { HistoryIssue } from './history-issue.ts';
import { listRequiredThoughtSignatures } from './thought-signatures/list-required-thought-signatures.ts';
import type { TurnSummary } from './turn-summary.ts';

// The list's own checks and the issues' last pass, shared by validateHistory and a run's cached
// check (validate-history-cached.ts). Apart from validateHistory, which only plugins, guardrails
// and compaction call: beside the run's, it was counted in an agent app's browser bundle.

/**
 * The issues of `contents` as a list (not an array, empty), or `undefined` when it is a non-empty
 * array. @internal
 */
export function checkList(contents: unknown): HistoryIssue[] | undefined {
  if (!Array.isArray(contents)) {
    return [
      {
        code: 'invalid-contents',
        contentIndex: -1,
        message: `contents must be an array of { role, parts } objects; got ${describe(contents)}.`,
      },
    ];
  }
  if (contents.length === 0) {
    return [
      {
        code: 'empty-contents',
        contentIndex: -1,
        message:
          "contents is empty: send at least one content, e.g. [{ role: 'user', parts: [{ text: 'Hello' }] }].",
      },
    ];
  }
  return undefined;
}

/**
 * Adds the missing-signature issues (with `requireThoughtSignatures`) and sorts the issues in
 * history order. @internal
 */
export function finishIssues(
  contents: readonly unknown[],
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
  // `ValidateHistoryOptions`' field, by shape: validate-history.ts imports this file.
  options: { readonly requireThoughtSignatures?: boolean | undefined },
): HistoryIssue[] {
  if (options.requireThoughtSignatures === true) {
    for (const required of requiredSignatures(contents)) {
      if (required.signed) continue;
      const name = turns[required.contentIndex]?.calls[0]?.name ?? '?';
      issues.push({
        code: 'missing-thought-signature',
        contentIndex: required.contentIndex,
        partIndex: required.partIndex,
        message:
          `contents[${required.contentIndex}].parts[${required.partIndex}] (functionCall ${name}) has no thoughtSignature. ` +
          'Gemini 3 requires the signature on the first function call of every model turn since the last user text: ' +
          'send the model content back exactly as received, or, for history the model did not produce, ' +
          "set thoughtSignature: 'skip_thought_signature_validator'.",
      });
    }
  }
  if (issues.length < 2) return issues;
  // Stable sort: issues read in history order whatever check found them.
  return issues.sort(
    (a, b) => a.contentIndex - b.contentIndex || (a.partIndex ?? -1) - (b.partIndex ?? -1),
  );
}

/**
 * The function calls that need a signature; none when a content's reading throws (a getter or a
 * Proxy): checkContent already reported that content as unreadable, the issue that matters.
 */
function requiredSignatures(
  contents: readonly unknown[],
): ReturnType<typeof listRequiredThoughtSignatures> {
  try {
    return listRequiredThoughtSignatures(contents);
  } catch {
    return [];
  }
}
