// @gemloop/core/history: checks and repairs for a conversation history (Content[]) before it is
// sent: validation against the API's rules, and the thought signatures Gemini 3 requires on
// replayed function calls (which ones are needed, filling the missing ones, stripping them).

export type { FillMissingThoughtSignaturesOptions } from './fill-missing-thought-signatures.ts';
export { fillMissingThoughtSignatures } from './fill-missing-thought-signatures.ts';
export type { HistoryIssue, HistoryIssueCode } from './history-issue.ts';
export type { RequiredThoughtSignature } from './list-required-thought-signatures.ts';
export {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './list-required-thought-signatures.ts';
export { stripThoughtSignatures } from './strip-thought-signatures.ts';
export {
  isThoughtSignatureBypass,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
} from './thought-signature-bypass.ts';
export type { ValidateHistoryOptions } from './validate-history.ts';
export { validateHistory } from './validate-history.ts';
