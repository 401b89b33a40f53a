/**
 * The keys the fake served in its model Contents beyond the ones it knows: a newer API's own
 * fields (a `Part` member, a field of the Content or of the call), scripted with `turn.raw`. The
 * real API takes its own answer back, so a model turn may carry them (attack46b: every replay of
 * a recording with such a key failed on the recorded model turn). Noted by `noteServedFields`
 * (contract/check-message-fields.ts), read by the request checks.
 * @internal
 */
export type ServedFields = {
  content: Set<string>;
  part: Set<string>;
  functionCall: Set<string>;
};

/** An empty {@link ServedFields}. @internal */
export function createServedFields(): ServedFields {
  return { content: new Set(), part: new Set(), functionCall: new Set() };
}
