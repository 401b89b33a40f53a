/**
 * A safety decision the model's safety system attached to a function call: Google's computer use
 * puts `safety_decision: { decision, explanation }` in the call's `args`, and a `decision` of
 * `require_confirmation` means the application "must prompt the end user for confirmation before
 * executing"; when the user confirms, the function response carries
 * `safety_acknowledgement: "true"` (ai.google.dev/gemini-api/docs/computer-use, "Safety decisions"
 * and its agent loop sample; the same in docs.cloud.google.com/.../computer-use).
 */
export type SafetyDecision = {
  /** `require_confirmation`, or another value the API sends (`regular`, ...). */
  decision: string;
  /** Why, as the safety system says it; for the person asked. Bounded (see below). */
  explanation: string | undefined;
};

/** The key of the decision in a call's args, and of the acknowledgement in its response. */
export const SAFETY_DECISION_KEY = 'safety_decision';
/** @internal */
export const SAFETY_ACKNOWLEDGEMENT_KEY = 'safety_acknowledgement';

// The explanation comes from the model's side: shown to a person and logged, so it is bounded.
const MAX_EXPLANATION_CHARS = 2_000;

/**
 * The call's safety decision, or `undefined` when its args carry none (or one that is not an
 * object with a string `decision`: bytes from the model are read leniently).
 * @internal
 */
export function readSafetyDecision(args: unknown): SafetyDecision | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const value = (args as Record<string, unknown>)[SAFETY_DECISION_KEY];
  if (typeof value !== 'object' || value === null) return undefined;
  const { decision, explanation } = value as { decision?: unknown; explanation?: unknown };
  if (typeof decision !== 'string') return undefined;
  return {
    decision,
    explanation:
      typeof explanation === 'string' ? explanation.slice(0, MAX_EXPLANATION_CHARS) : undefined,
  };
}

/** Whether the decision asks the application to confirm with the user first. @internal */
export function needsConfirmation(decision: SafetyDecision | undefined): boolean {
  return decision?.decision.toLowerCase() === 'require_confirmation';
}
