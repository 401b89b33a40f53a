// @gemloop/core/history: checks and repairs for a conversation history (Content[]) before it is
// sent: validation against the API's rules, and the thought signatures Gemini 3 requires on
// replayed function calls (which ones are needed, filling the missing ones, stripping them), and
// the stored turn (HistoryTurn: a turn's contents and the model that wrote them).

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { Content } from '../wire/content.ts';
export { dropToolExchanges } from './drop-tool-exchanges.ts';
export type { HistoryIssue, HistoryIssueCode } from './history-issue.ts';
export type { HistoryTurn } from './history-turn.ts';
export type { FillMissingThoughtSignaturesOptions } from './thought-signatures/fill-missing-thought-signatures.ts';
export { fillMissingThoughtSignatures } from './thought-signatures/fill-missing-thought-signatures.ts';
export type { RequiredThoughtSignature } from './thought-signatures/list-required-thought-signatures.ts';
export {
  listRequiredThoughtSignatures,
  needsThoughtSignature,
} from './thought-signatures/list-required-thought-signatures.ts';
export { stripThoughtSignatures } from './thought-signatures/strip-thought-signatures.ts';
export {
  isThoughtSignatureBypass,
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
} from './thought-signatures/thought-signature-bypass.ts';
export type { ValidateHistoryOptions } from './validate-history.ts';
export { validateHistory } from './validate-history.ts';
