import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { prepareThoughtSignatures } from '../history/thought-signatures/prepare-thought-signatures.ts';
import { validateHistory } from '../history/validate-history.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content } from '../wire/content.ts';

/** How many of a history's issues a refusal names; the count says how many there are. */
const NAMED_ISSUES = 3;

/**
 * One input of `BatchRuns.start()` as the contents of its run: a prompt as one user content, a
 * history copied. A history is checked as `agent.run()` checks one (`validateHistory`): a batch
 * answers hours later, and a history the API refuses would come back then as a failed line (or
 * fail the job's creation for every run), so it is refused when the job starts. Then the
 * agent's signature rule, through the agent's own function (`prepareThoughtSignatures`): on a
 * model that `requiresThoughtSignatures` (Gemini 3), the first `functionCall` of each model turn
 * in the active loop that has no signature (another SDK's history, hand-built, stored without
 * them) gets the documented dummy; Gemini 3 answers 400 without it
 * (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs), for every line, hours later.
 * @throws {@link InvalidArgumentError} naming `inputs[index]`: neither a string nor an array, or
 *   a history the API would reject (its first issues, each with where and how to fix it).
 * @internal
 */
export function toBatchContents(
  input: unknown,
  index: number,
  { requiresThoughtSignatures }: { requiresThoughtSignatures: boolean },
): Content[] {
  const argument = `inputs[${index}]`;
  if (typeof input === 'string') return [{ role: 'user', parts: [{ text: input }] }];
  if (!Array.isArray(input)) {
    throw new InvalidArgumentError({
      argument,
      message: `start: ${argument} must be a prompt (a string) or a history (an array of contents); got ${describeValue(input)}.`,
    });
  }
  const problems = historyProblems(input);
  if (problems !== undefined) {
    throw new InvalidArgumentError({
      argument,
      message: `start: ${argument} is a history the Gemini API would reject: ${problems}`,
    });
  }
  // A copy: the caller's array and objects are never changed (the dummy goes on copies too).
  return prepareThoughtSignatures([...(input as Content[])], {
    producers: undefined,
    requiresThoughtSignatures,
  }).contents;
}

/**
 * What the API would reject in a run's history (`validateHistory`'s first issues, and how many
 * there are), or `undefined` when it takes it. For a new job's inputs and a saved state's running
 * runs alike. @internal
 */
export function historyProblems(contents: unknown): string | undefined {
  const issues = validateHistory(contents);
  if (issues.length === 0) return undefined;
  const named = issues.slice(0, NAMED_ISSUES).map((issue) => issue.message);
  return (
    named.join(' ') + (issues.length > NAMED_ISSUES ? ` (${issues.length} problems in all.)` : '')
  );
}
