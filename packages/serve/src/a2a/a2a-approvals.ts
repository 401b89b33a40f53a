import type { Message } from '@a2a-js/sdk';
import { boundedArgs, boundedCallId, cutText, type PendingApproval } from '@gemloop/core/internal';

/**
 * What the door reads of a waiting call: the broker's `PendingApproval` in process, a durable
 * run's pending approval in a fleet. @internal
 */
export type ApprovalShown = Pick<PendingApproval, 'approvalId' | 'toolName' | 'toolCallId'>;

/** What an answer the task already read is told (a retry is never a new yes). @internal */
export const RETRIED_ANSWER =
  'That message (its messageId) was already read on this task: send a new message to answer. ';

/**
 * Whether `message` is one the task has read before: its `messageId` is in the task's history
 * before it (the A2A SDK appends the incoming message to the stored history before the executor
 * runs, so the store, shared by a fleet's workers, knows every message the task got). A client
 * that retries an answer whose reply it lost would otherwise answer whatever the run asks next,
 * a call that client never saw. @internal
 */
export function isRetriedMessage(
  message: Message,
  history: readonly Message[] | undefined,
): boolean {
  const earlier = [...(history ?? [])];
  // The last entry is this message itself, appended by the SDK (by id: a store may copy it).
  if (earlier.at(-1)?.messageId === message.messageId) earlier.pop();
  return earlier.some((each) => each.messageId === message.messageId);
}

/** The longest reason a denial carries to the model (the broker's own bound). */
const MAX_REASON = 1000;

/** One answer to a pending approval, as the broker takes it. @internal */
export type A2AApprovalAnswer = {
  approvalId: string;
  decision: 'approve' | 'deny';
  message?: string | undefined;
};

/**
 * What an `input-required` status says (A2A's TaskState for a task that waits for its client):
 * its text asks the question in words a person or a model reads, and its metadata carries the
 * calls, each with its `approvalId`, for a client that answers by program. The arguments are the
 * redacted ones a `tool-call` event showed, never the secret ones. @internal
 */
export function approvalRequest<Approval extends ApprovalShown>(
  pending: readonly Approval[],
  shownArgs: (approval: Approval) => unknown,
): { text: string; metadata: Record<string, unknown> } {
  const names = [...new Set(pending.map((each) => each.toolName))].join(', ');
  const text =
    pending.length === 1
      ? `Approve the call of ${names}? Answer "approve" or "deny" (a reason after "deny:" reaches the model).`
      : `Approve the ${pending.length} calls of ${names}? Answer "approve" or "deny" for all, or a data part { "approvals": { "<approvalId>": { "approved": true | false, "message"?: "why" } } }.`;
  return {
    text,
    metadata: {
      reason: 'tool_approval',
      // The call's id and arguments are the model's: bounded as a page gets them, so that one
      // status stays under a client's event limit (the A2A SDK's 4 MiB line, attack27).
      approvals: pending.map((each) => {
        const shown = shownArgs(each);
        const args = boundedArgs(shown);
        return {
          approvalId: each.approvalId,
          toolName: each.toolName,
          toolCallId: boundedCallId(each.toolCallId),
          args,
          ...(shown !== undefined && args === undefined ? { argsOmitted: true } : {}),
        };
      }),
    },
  };
}

/**
 * Reads a client's answer to the approvals a task waits for: a text part `approve`/`yes` or
 * `deny`/`no` (then `deny: <reason>`) for every call, or a data part `{ approved, message? }`
 * (every call) or `{ approvals: { [approvalId]: { approved, message? } } }` (each by id).
 * `undefined` when it answers none of them clearly; a call the answer leaves out is denied only
 * when the answer names calls by id (an answer is never guessed into an approval). @internal
 */
export function readApprovalAnswer(
  message: Message,
  pending: readonly ApprovalShown[],
): A2AApprovalAnswer[] | undefined {
  for (const part of message.parts ?? []) {
    const content = part.content;
    if (content?.$case === 'data') {
      const answers = fromData(content.value, pending);
      if (answers !== undefined) return answers;
    } else if (content?.$case === 'text') {
      const answers = fromText(content.value, pending);
      if (answers !== undefined) return answers;
    }
  }
  return undefined;
}

function fromText(
  text: string,
  pending: readonly ApprovalShown[],
): A2AApprovalAnswer[] | undefined {
  const match = /^\s*(approve|approved|yes|deny|denied|no)\b[\s:.,!-]*([\s\S]*)$/i.exec(text);
  if (match === null) return undefined;
  const approved = ['approve', 'approved', 'yes'].includes((match[1] ?? '').toLowerCase());
  const reason = reasonOf((match[2] ?? '').trim());
  return pending.map((each) => answerOf(each.approvalId, approved, reason));
}

function fromData(
  value: unknown,
  pending: readonly ApprovalShown[],
): A2AApprovalAnswer[] | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value['approved'] === 'boolean') {
    const reason = reasonOf(typeof value['message'] === 'string' ? value['message'] : '');
    return pending.map((each) => answerOf(each.approvalId, value['approved'] === true, reason));
  }
  const byId = value['approvals'];
  if (!isObject(byId)) return undefined;
  const answers: A2AApprovalAnswer[] = [];
  for (const each of pending) {
    const one = byId[each.approvalId];
    // Left out, or not a yes in so many words: denied, never run on a guess.
    const approved = isObject(one) && one['approved'] === true;
    const reason = isObject(one) && typeof one['message'] === 'string' ? one['message'] : '';
    answers.push(answerOf(each.approvalId, approved, reasonOf(reason)));
  }
  return answers;
}

/**
 * A client's reason as the model gets it: at most {@link MAX_REASON} characters, cut between
 * characters, lone surrogates as U+FFFD (the in-process broker does the same; a durable run's
 * `approve` takes the reason as it is, and a lone surrogate has no UTF-8 form for the model's
 * request).
 */
function reasonOf(text: string): string {
  return cutText(text, MAX_REASON).replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

function answerOf(approvalId: string, approved: boolean, reason: string): A2AApprovalAnswer {
  if (approved) return { approvalId, decision: 'approve' };
  return { approvalId, decision: 'deny', ...(reason === '' ? {} : { message: reason }) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
