// The id map of a message's approvals, carried from one action to the next on the list it
// describes, as the call index is (client68, `message-draft.ts`). Built anew in each action, a
// server that sends many approvals of distinct ids a read at a time cost n² map entries: 20,000
// pending approvals one an action held the page 103 s at load 11, four times the tool calls'
// (client2). The map holds the approvals themselves, not their positions: an answered approval
// leaves the list and moves the ones after it, an object stays what it is.

import type { ChatApproval } from './agent-chat-message.ts';

/**
 * The approvals of `list` by id (the first of two with one id). `list` says which list the map
 * describes, `undefined` while a draft changes it: a second draft from the same list (React's
 * StrictMode reduces twice, a page folds the events beside the hook) finds it taken and builds
 * its own.
 */
export type ApprovalIndex = {
  byId: Map<string, ChatApproval>;
  list: readonly ChatApproval[] | undefined;
};

// why (sentinel): the key a list of approvals carries its index under; holds nothing itself.
const APPROVAL_INDEX: unique symbol = Symbol('gemloop.react.approval-index');
type Carrying = readonly ChatApproval[] & { [APPROVAL_INDEX]?: ApprovalIndex };

/**
 * The index of `list`, taken from it (no other draft may use it meanwhile) when it carries one,
 * else built. @internal
 */
export function takeApprovalIndex(list: readonly ChatApproval[]): ApprovalIndex {
  const held = (list as Carrying)[APPROVAL_INDEX];
  if (held !== undefined && held.list === list && !Object.isFrozen(held)) {
    held.list = undefined;
    return held;
  }
  const byId = new Map<string, ChatApproval>();
  for (const approval of list) {
    if (!byId.has(approval.approvalId)) byId.set(approval.approvalId, approval);
  }
  return { byId, list: undefined };
}

/**
 * `index` goes on with `list`, the list it now describes: the new list of approvals, or the one it
 * was taken from when the draft left that as it was. @internal
 */
export function passApprovalIndexOn(index: ApprovalIndex, list: readonly ChatApproval[]): void {
  const carrying = list as Carrying;
  if (carrying[APPROVAL_INDEX] !== index) {
    if (!Object.isExtensible(list)) return;
    Object.defineProperty(list, APPROVAL_INDEX, { value: index, configurable: true });
  }
  index.list = list;
}
