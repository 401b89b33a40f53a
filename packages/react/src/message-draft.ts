// The streaming assistant message as a working copy that takes a run of events in work
// proportional to them. Copying the message's tool calls, approvals or step texts per event (and
// scanning them to find the one an event names) made a run of n events cost n²: a server that sends
// thousands of tool calls, approvals or retractions froze the page. Here each array is copied at
// most once per reducer action, on its first change, and found by a key map built at most once;
// the text is appended to (a rope in every engine) and rebuilt from the steps once, at the end,
// only when an event changed a step before the last.

import type { BrowserEvent, BrowserUsage } from '@gemloop/client';
import type {
  AssistantChatMessage,
  ChatApproval,
  ChatElicitation,
  ChatToolCall,
} from './agent-chat-message.ts';
import { type ApprovalIndex, passApprovalIndexOn, takeApprovalIndex } from './approval-index.ts';
import {
  carryEarlyResolutions,
  type EarlyResolutions,
  earlyResolutionsOf,
  rememberEarlyResolution,
} from './early-resolutions.ts';

type StepText = { stepNumber: number; text: string };

/**
 * The key map of a message's tool calls (`callKey` to position), carried from one action to the
 * next on the list it describes, as a property no copy, JSON or `toEqual` sees. Built anew in each
 * action, a server that sends many calls of distinct ids a read at a time cost n² keys: 100,000
 * calls in actions of 100 events held the page 90 s at load 16 (client68). A list's calls never
 * move (a call is added at the end or replaced where it is), so the map of a list holds for the
 * list made from it once the new calls are added; `list` says which list that is, `undefined`
 * while a draft adds to it. A second draft from the same list (React's StrictMode reduces twice,
 * a page folds the events beside the hook) finds it taken and builds its own.
 */
type CallIndex = { keys: Map<string, number>; list: readonly ChatToolCall[] | undefined };
// why (sentinel): the key of the property a list of calls carries its index under; holds nothing.
const CALL_INDEX: unique symbol = Symbol('gemloop.react.call-index');
type CarryingIndex = readonly ChatToolCall[] & { [CALL_INDEX]?: CallIndex };

/** A mutable copy of one assistant message. @internal */
export type MessageDraft = {
  /** Applies one well-formed event (the run's `finish` included). */
  apply(event: BrowserEvent): void;
  /** The message with every event applied: `message` itself when none changed it. */
  done(): AssistantChatMessage;
};

/** A draft of `message`, which stays as it is (React may still render it). @internal */
export function createMessageDraft(message: AssistantChatMessage): MessageDraft {
  let changed = false;
  let text = message.text;
  let thoughts = message.thoughts;
  const fields: Partial<AssistantChatMessage> = {};

  let toolCalls: ChatToolCall[] | undefined;
  let callIndex: Map<string, number> | undefined;
  // The index of the calls, taken from the list it was carried on (see `CallIndex`), or built.
  let carried: CallIndex | undefined;
  const calls = (): ChatToolCall[] => {
    toolCalls ??= [...message.toolCalls];
    return toolCalls;
  };
  const callAt = (toolCallId: string, path: readonly string[]): number | undefined => {
    if (callIndex === undefined) {
      const held = (message.toolCalls as CarryingIndex)[CALL_INDEX];
      if (held !== undefined && held.list === message.toolCalls && !Object.isFrozen(held)) {
        // Taken: this draft adds to it. No other draft of this list may use it meanwhile.
        held.list = undefined;
        carried = held;
        callIndex = held.keys;
      } else {
        callIndex = new Map();
        carried = { keys: callIndex, list: undefined };
        const list = toolCalls ?? message.toolCalls;
        for (let index = 0; index < list.length; index++) {
          const call = list[index] as ChatToolCall;
          // The first of two calls with one key, as `findIndex` found it.
          const key = callKey(call.toolCallId, call.path);
          if (!callIndex.has(key)) callIndex.set(key, index);
        }
      }
    }
    return callIndex.get(callKey(toolCallId, path));
  };
  /**
   * The index goes on with the list it now describes: the new list of calls, or, when this draft
   * made none, the list it was taken from.
   */
  const passIndexOn = (): void => {
    if (carried === undefined) return;
    if (toolCalls !== undefined) {
      carried.list = toolCalls;
      Object.defineProperty(toolCalls, CALL_INDEX, { value: carried, configurable: true });
    } else if ((message.toolCalls as CarryingIndex)[CALL_INDEX] === carried) {
      carried.list = message.toolCalls;
    }
  };
  /** The call `toolCallId` of `path` updated, or added when it is new. */
  const upsertCall = (
    toolCallId: string,
    path: string[],
    update: (call: ChatToolCall) => ChatToolCall,
  ): void => {
    const at = callAt(toolCallId, path);
    const list = calls();
    if (at === undefined) {
      // A result or an approval whose call was not seen (a page that resumed late): shown all the same.
      callIndex?.set(callKey(toolCallId, path), list.length);
      list.push(
        update({
          toolCallId,
          toolName: '',
          path,
          stepNumber: 0,
          args: undefined,
          status: 'running',
        }),
      );
    } else list[at] = update(list[at] as ChatToolCall);
    changed = true;
  };

  // Approvals answered are left in the list until `done`, which filters them out once.
  let approvals: ChatApproval[] | undefined;
  let removed: Set<ChatApproval> | undefined;
  // The questions by id, built once per batch of events on its first change and listed at `done`:
  // a copy and a scan of the list per event made a storm of them (a hostile server) cost n².
  let elicitations: Map<string, ChatElicitation> | undefined;
  const questions = (): Map<string, ChatElicitation> => {
    elicitations ??= new Map((message.elicitations ?? []).map((each) => [each.id, each]));
    return elicitations;
  };
  // Approvals resolved before they were pending (see `early-resolutions.ts`): the map the list of
  // approvals carries, added to in place; copied once (`ownEarly`) when one is taken from it.
  let early = earlyResolutionsOf(message.approvals);
  let ownEarly = false;
  const ownEarlyNow = (): EarlyResolutions => {
    if (!ownEarly) early = new Map(early);
    ownEarly = true;
    return early as EarlyResolutions;
  };
  // The approvals by id, taken from the list they were carried on (see `approval-index.ts`), or built.
  let approvalIndex: ApprovalIndex | undefined;
  const approvalOf = (approvalId: string): ChatApproval | undefined => {
    approvalIndex ??= takeApprovalIndex(message.approvals);
    return approvalIndex.byId.get(approvalId);
  };

  let steps: StepText[] | undefined;
  let stepIndex: Map<number, number> | undefined;
  // Where the step with the greatest number is (the last one until a step comes out of order).
  let top = -1;
  let unsorted = false;
  // Whether `text` must be rebuilt from the steps: an event changed a step before the last.
  let textStale = false;
  // The answer is the steps after this one (a hand-off's): the agent handing over's are not it.
  let handedOverAt = message.handedOverAt ?? Number.NEGATIVE_INFINITY;
  const stepList = (): StepText[] => {
    if (steps === undefined) {
      // A message saved without its steps' texts (an app's own store, an older version) keeps
      // the text it showed as a step before every step (-1; steps count from 0), so that a
      // retraction or a late step after a resume rebuilds the answer without losing it.
      steps =
        message.stepTexts !== undefined
          ? [...message.stepTexts]
          : message.text === ''
            ? []
            : [{ stepNumber: -1, text: message.text }];
      top = steps.length - 1;
    }
    return steps;
  };
  /** Sets the text of step `number`: `append` adds to it, otherwise replaces it. */
  const setStepText = (number: number, value: string, append: boolean): void => {
    const steps = stepList();
    if (number <= handedOverAt) textStale = true;
    const last = steps[top];
    if (last === undefined || number >= last.stepNumber) {
      if (last?.stepNumber === number) {
        steps[top] = { stepNumber: number, text: append ? last.text + value : value };
      } else {
        top = steps.length;
        stepIndex?.set(number, top);
        steps.push({ stepNumber: number, text: value });
      }
      // The last step in step order: its text ends the answer.
      if (append && !textStale) text += value;
      else textStale = true;
      return;
    }
    // A step before the last: found by a map of the steps (built once), added out of order and
    // sorted once at the end.
    if (stepIndex === undefined) {
      stepIndex = new Map();
      for (let index = 0; index < steps.length; index++) {
        stepIndex.set((steps[index] as StepText).stepNumber, index);
      }
    }
    const at = stepIndex.get(number);
    if (at === undefined) {
      stepIndex.set(number, steps.length);
      steps.push({ stepNumber: number, text: value });
      unsorted = true;
    } else {
      const step = steps[at] as StepText;
      steps[at] = { stepNumber: number, text: append ? step.text + value : value };
    }
    textStale = true;
  };

  /**
   * The step a text delta belongs to. One without a finite `stepNumber` (a server or proxy that
   * left it out) continues the text streaming now: read as step 0, it went before the later steps'
   * text already shown, so the answer read out of order ("one threetwo"), or, after a hand-off,
   * into the agent handing over's steps, out of the answer.
   */
  const deltaStep = (value: unknown): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    const last = stepList()[top];
    return Math.max(last?.stepNumber ?? 0, handedOverAt + 1);
  };

  const apply = (event: BrowserEvent): void => {
    const own = event.path.length === 0;
    switch (event.type) {
      case 'start':
        fields.runId = event.runId;
        changed = true;
        return;
      case 'text-delta':
        if (!own) return;
        setStepText(deltaStep(event.stepNumber), event.text, true);
        changed = true;
        return;
      case 'text-retraction':
        // An output guardrail withdrew or rewrote text the page already shows (a phone number, a
        // blocked answer): it must go from the message, not only from the server's history.
        if (!own) return;
        setStepText(stepNumberOf(event.stepNumber), event.text, false);
        changed = true;
        return;
      case 'handoff':
        // The run is another agent's from the next step: its answer is the message's text. A
        // subagent's hand-off happens inside a tool call and leaves the run's answer as it is.
        if (!own || event.stepNumber <= handedOverAt) return;
        handedOverAt = event.stepNumber;
        fields.handedOverAt = handedOverAt;
        stepList();
        textStale = true;
        changed = true;
        return;
      case 'thought-delta':
        if (!own) return;
        thoughts += event.text;
        changed = true;
        return;
      case 'tool-call':
        upsertCall(event.toolCallId, event.path, (call) => ({
          ...call,
          toolName: event.toolName,
          stepNumber: stepNumberOf(event.stepNumber),
          args: event.args,
          // A new call runs; a known one keeps its status: `pending` waits for its approval, and
          // a call that ended (its result came first, or this event came twice) stays ended.
          status: call.status,
        }));
        return;
      case 'tool-result':
        upsertCall(event.toolCallId, event.path, (call) => ({
          ...call,
          toolName: event.toolName,
          stepNumber: stepNumberOf(event.stepNumber),
          status: event.outcome === 'success' ? 'done' : 'error',
          outcome: event.outcome,
          preview: event.preview,
          truncated: event.truncated,
          error: event.error,
        }));
        return;
      case 'step-finish':
        if (!own) return;
        fields.usage = addUsage('usage' in fields ? fields.usage : message.usage, event.usage);
        changed = true;
        return;
      case 'approval-pending': {
        // A call that already ended waits for nothing (this event came late or twice): no
        // buttons for it.
        const at = callAt(event.toolCallId, event.path);
        const status = at === undefined ? undefined : (toolCalls ?? message.toolCalls)[at]?.status;
        if (status === 'done' || status === 'error') return;
        // Resolved already (its `approval-resolved` came first): no buttons; approved, it runs.
        const decided = early?.get(event.approvalId);
        upsertCall(event.toolCallId, event.path, (call) => ({
          ...call,
          toolName: event.toolName,
          stepNumber: stepNumberOf(event.stepNumber),
          args: event.args,
          status: decided === 'approve' ? 'running' : 'pending',
        }));
        if (decided !== undefined) {
          ownEarlyNow().delete(event.approvalId);
          approvals ??= [...message.approvals];
          return;
        }
        if (approvalOf(event.approvalId) !== undefined) return;
        approvals ??= [...message.approvals];
        const added: ChatApproval = {
          approvalId: event.approvalId,
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          path: event.path,
          args: event.args,
        };
        approvals.push(added);
        approvalIndex?.byId.set(event.approvalId, added);
        return;
      }
      case 'approval-resolved': {
        const approval = approvalOf(event.approvalId);
        if (approval === undefined) {
          // Before its pending (a reordered or resumed stream): remembered for it.
          if (event.decision !== 'approve' && event.decision !== 'deny') return;
          early ??= new Map();
          rememberEarlyResolution(early, event.approvalId, event.decision);
          // Nothing shows of it: the message stays (React skips the render) when its list can
          // carry the memory, as the list this action makes will.
          if (approvals === undefined && !carryEarlyResolutions(message.approvals, early)) {
            approvals = [...message.approvals];
            changed = true;
          }
          return;
        }
        approvals ??= [...message.approvals];
        removed ??= new Set();
        removed.add(approval);
        approvalIndex?.byId.delete(event.approvalId);
        changed = true;
        // Approved: it runs now. Denied: it stays pending until its `denied` result. Its path
        // too: a subagent's call may have its parent's id (`call_1_0`).
        if (event.decision !== 'approve') return;
        const call = callAt(approval.toolCallId, approval.path);
        if (call === undefined || (toolCalls ?? message.toolCalls)[call]?.status !== 'pending') {
          return;
        }
        const list = calls();
        list[call] = { ...(list[call] as ChatToolCall), status: 'running' };
        return;
      }
      case 'plugin': {
        if (event.plugin !== 'mcp-requests') return;
        const asked = toElicitation(event);
        if (event.kind === 'elicitation-pending' && asked !== undefined) {
          const list = questions();
          if (list.has(asked.id)) return;
          list.set(asked.id, asked);
          changed = true;
        } else if (event.kind === 'elicitation-resolved') {
          const id = (event.data as { id?: unknown } | undefined)?.id;
          if (typeof id !== 'string' || !questions().delete(id)) return;
          changed = true;
        }
        return;
      }
      case 'error':
        fields.error = event.error;
        changed = true;
        return;
      case 'finish':
        fields.outcome = event.outcome;
        fields.finishReason = event.finishReason;
        // `null` is as good as absent: a server that wrote `undefined` through another JSON encoder.
        if (event.usage !== undefined && event.usage !== null) fields.usage = event.usage;
        approvals = [];
        removed = undefined;
        approvalIndex = { byId: new Map(), list: undefined };
        // The run ended: nothing is pending after it.
        early = undefined;
        ownEarly = true;
        if (elicitations !== undefined ? elicitations.size > 0 : message.elicitations?.length)
          elicitations = new Map();
        changed = true;
        return;
      default:
        // `step-start`: a step shows through what it does (text, tool calls) and its usage at
        // `step-finish`. Other types were not well-formed.
        return;
    }
  };

  const done = (): AssistantChatMessage => {
    passIndexOn();
    const gone = removed;
    const approvalList =
      approvals === undefined
        ? message.approvals
        : gone === undefined
          ? approvals
          : approvals.filter((approval) => !gone.has(approval));
    if (approvalIndex !== undefined && (approvals === undefined || changed)) {
      passApprovalIndexOn(approvalIndex, approvalList);
    }
    if (!changed) return message;
    const next: AssistantChatMessage = { ...message, ...fields, text, thoughts };
    if (toolCalls !== undefined) next.toolCalls = toolCalls;
    if (approvals !== undefined) {
      next.approvals = approvalList;
      carryEarlyResolutions(approvalList, early);
    }
    if (elicitations !== undefined) next.elicitations = [...elicitations.values()];
    if (steps !== undefined) {
      if (unsorted) steps.sort((a, b) => a.stepNumber - b.stepNumber);
      next.stepTexts = steps;
      if (textStale) {
        // `+` rather than `join`: a rope of the steps, not a copy of every character.
        let joined = '';
        for (const step of steps) if (step.stepNumber > handedOverAt) joined += step.text;
        next.text = joined;
      }
    }
    return next;
  };

  return { apply, done };
}

/**
 * A step number that is not a finite number (a server that left it out, or sent text or an object
 * the page would render as it is) counts as step 0.
 */
function stepNumberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function callKey(toolCallId: string, path: readonly string[]): string {
  return JSON.stringify([toolCallId, ...path]);
}

function addUsage(
  total: BrowserUsage | undefined,
  step: BrowserUsage | undefined,
): BrowserUsage | undefined {
  if (step === undefined) return total;
  if (total === undefined) return { ...step };
  return {
    inputTokens: total.inputTokens + step.inputTokens,
    outputTokens: total.outputTokens + step.outputTokens,
    thoughtsTokens: total.thoughtsTokens + step.thoughtsTokens,
    cachedTokens: total.cachedTokens + step.cachedTokens,
    totalTokens: total.totalTokens + step.totalTokens,
  };
}

/** An `elicitation-pending` event's data as the page shows it, or `undefined` when malformed. */
function toElicitation(event: { path: string[]; data?: unknown }): ChatElicitation | undefined {
  const data = event.data as Record<string, unknown> | undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, mode, server, message } = data;
  if (typeof id !== 'string' || (mode !== 'form' && mode !== 'url')) return undefined;
  if (typeof server !== 'string' || typeof message !== 'string') return undefined;
  // Each kept with the fields it has and their types only: the page renders them as they are (a
  // `title` that is an object made React throw).
  const toolCalls: ChatElicitation['toolCalls'] = [];
  if (Array.isArray(data['toolCalls'])) {
    for (const call of data['toolCalls'] as unknown[]) {
      const { toolCallId, toolName } = (call ?? {}) as Record<string, unknown>;
      if (typeof toolCallId === 'string' && typeof toolName === 'string')
        toolCalls.push({ toolCallId, toolName });
    }
  }
  let fields: NonNullable<ChatElicitation['fields']> | undefined;
  if (Array.isArray(data['fields'])) {
    fields = [];
    for (const field of data['fields'] as unknown[]) {
      const { name, type, title, required } = (field ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string' || typeof type !== 'string' || typeof required !== 'boolean')
        continue;
      fields.push({ name, type, required, ...(typeof title === 'string' ? { title } : {}) });
    }
  }
  return {
    id,
    path: event.path,
    mode,
    server,
    message,
    toolCalls,
    ...(fields === undefined ? {} : { fields }),
    ...(typeof data['host'] === 'string' ? { host: data['host'] } : {}),
  };
}
