// The chat's state as a pure function of what happened: a send, each event of the run's stream, an
// answer to an approval, a stop, a failure. `useAgentChat` keeps it with `useReducer`; a page with
// another framework (or a test) can fold events through it the same way.

import type { BrowserUsage } from '@gemloop/client';
import type {
  AgentChatMessage,
  AgentChatState,
  AssistantChatMessage,
  ChatError,
  ChatToolCall,
} from './agent-chat-message.ts';
import { isWellFormedEvent } from './is-well-formed-event.ts';

/** What changes the chat's state. */
export type AgentChatAction =
  /** The user sent `text`: a user message and an empty assistant message that the run fills. */
  | { type: 'send'; userId: string; assistantId: string; text: string }
  /** Send the last user message again: what came after it is replaced by a new assistant message. */
  | { type: 'reload'; assistantId: string }
  /**
   * An event of the run streaming into message `messageId`. Typed `unknown` on purpose: an event
   * type this package does not know (a newer server) changes nothing.
   */
  | { type: 'event'; messageId: string; event: unknown }
  /** This page answered an approval (the server confirms with `approval-resolved`). */
  | {
      type: 'approval-answered';
      approvalId: string;
      /** `undefined`: the answer was not accepted, the buttons come back. */
      decision: 'approve' | 'deny' | undefined;
    }
  /** Nothing waits under that id any more (answered elsewhere, timed out, run ended). */
  | { type: 'approval-gone'; approvalId: string }
  /** The page stopped the run (its request was aborted, which aborts the run on the server). */
  | { type: 'stopped'; messageId: string }
  /** The stream failed (an HTTP error, a lost connection, a limit): the run's outcome is unknown. */
  | { type: 'failed'; messageId: string; error: ChatError }
  /** Replace the messages (a conversation loaded from elsewhere); stops nothing by itself. */
  | { type: 'set-messages'; messages: AgentChatMessage[] };

/** The state of a chat with `messages` (default none), idle. */
export function initialAgentChatState(messages: readonly AgentChatMessage[] = []): AgentChatState {
  return { messages: [...messages], status: 'idle', error: undefined, streamingId: undefined };
}

/**
 * The next state of a chat after `action`. Pure (React may call it twice); returns `state` itself
 * when nothing changed, so React skips the render: an unknown event type, an event of a run that
 * is no longer streaming (stopped, replaced), an approval id nobody knows.
 */
export function reduceAgentChat(state: AgentChatState, action: AgentChatAction): AgentChatState {
  switch (action.type) {
    case 'send': {
      const messages = endStreaming(state).messages;
      return {
        messages: [
          ...messages,
          { id: action.userId, role: 'user', text: action.text },
          emptyAssistant(action.assistantId),
        ],
        status: 'streaming',
        error: undefined,
        streamingId: action.assistantId,
      };
    }
    case 'reload': {
      const messages = endStreaming(state).messages;
      const lastUser = messages.findLastIndex((message) => message.role === 'user');
      if (lastUser === -1) return state;
      return {
        messages: [...messages.slice(0, lastUser + 1), emptyAssistant(action.assistantId)],
        status: 'streaming',
        error: undefined,
        streamingId: action.assistantId,
      };
    }
    case 'event':
      if (action.messageId !== state.streamingId) return state;
      return applyEvent(state, action.messageId, action.event);
    case 'approval-answered':
    case 'approval-gone':
      return updateApproval(state, action);
    case 'stopped':
      if (action.messageId !== state.streamingId) return state;
      return { ...endStreaming(state), status: 'idle' };
    case 'failed': {
      if (action.messageId !== state.streamingId) return state;
      const next = updateAssistant(state, action.messageId, (message) => ({
        ...message,
        outcome: message.outcome ?? 'error',
        approvals: [],
        error: action.error,
      }));
      return { ...next, status: 'error', error: action.error, streamingId: undefined };
    }
    case 'set-messages':
      return { ...state, messages: [...action.messages] };
    default:
      return state;
  }
}

function emptyAssistant(id: string): AssistantChatMessage {
  return { id, role: 'assistant', text: '', thoughts: '', toolCalls: [], approvals: [] };
}

/**
 * The state with its streaming message ended by the page: `aborted`, its approvals gone, and its
 * unfinished tool calls `error` with outcome `aborted` (stopping the request aborts them on the
 * server, docs/browser-protocol.md "Stopping").
 */
function endStreaming(state: AgentChatState): AgentChatState {
  const id = state.streamingId;
  if (id === undefined) return state;
  const next = updateAssistant(state, id, (message) =>
    message.outcome !== undefined
      ? message
      : {
          ...message,
          outcome: 'aborted',
          approvals: [],
          toolCalls: message.toolCalls.map((call) =>
            call.status === 'pending' || call.status === 'running'
              ? { ...call, status: 'error', outcome: 'aborted' }
              : call,
          ),
        },
  );
  return { ...next, streamingId: undefined };
}

function applyEvent(state: AgentChatState, id: string, value: unknown): AgentChatState {
  // An unknown type, or a known one with a field of the wrong type, changes nothing.
  if (!isWellFormedEvent(value)) return state;
  const event = value;
  const own = event.path.length === 0;
  switch (event.type) {
    case 'start':
      return withStatus(updateAssistant(state, id, (m) => ({ ...m, runId: event.runId })));
    case 'text-delta':
      if (!own) return state;
      return updateAssistant(state, id, (m) => ({
        ...m,
        text: m.text + event.text,
        stepTexts: setStepText(m.stepTexts, event.stepNumber, (text) => text + event.text),
      }));
    case 'text-retraction': {
      // An output guardrail withdrew or rewrote text the page already shows (a phone number, a
      // blocked answer): it must go from the message, not only from the server's history.
      if (!own) return state;
      return updateAssistant(state, id, (m) => {
        const stepTexts = setStepText(m.stepTexts, event.stepNumber, () => event.text);
        return { ...m, stepTexts, text: stepTexts.map((step) => step.text).join('') };
      });
    }
    case 'thought-delta':
      if (!own) return state;
      return updateAssistant(state, id, (m) => ({ ...m, thoughts: m.thoughts + event.text }));
    case 'tool-call':
      return updateAssistant(state, id, (m) =>
        upsertCall(m, event.toolCallId, event.path, (call) => ({
          ...call,
          toolName: event.toolName,
          stepNumber: event.stepNumber,
          args: event.args,
          // A new call runs; a known one keeps its status: `pending` waits for its approval, and
          // a call that ended (its result came first, or this event came twice) stays ended.
          status: call.status,
        })),
      );
    case 'tool-result':
      return updateAssistant(state, id, (m) =>
        upsertCall(m, event.toolCallId, event.path, (call) => ({
          ...call,
          toolName: event.toolName,
          stepNumber: event.stepNumber,
          status: event.outcome === 'success' ? 'done' : 'error',
          outcome: event.outcome,
          preview: event.preview,
          truncated: event.truncated,
          error: event.error,
        })),
      );
    case 'step-finish':
      if (!own) return state;
      return updateAssistant(state, id, (m) => ({ ...m, usage: addUsage(m.usage, event.usage) }));
    case 'approval-pending':
      return withStatus(
        updateAssistant(state, id, (m) => {
          // A call that already ended waits for nothing (this event came late or twice): no
          // buttons for it.
          const ended = m.toolCalls.some(
            (call) =>
              call.toolCallId === event.toolCallId &&
              samePath(call.path, event.path) &&
              (call.status === 'done' || call.status === 'error'),
          );
          if (ended) return m;
          const called = upsertCall(m, event.toolCallId, event.path, (call) => ({
            ...call,
            toolName: event.toolName,
            stepNumber: event.stepNumber,
            args: event.args,
            status: 'pending',
          }));
          if (m.approvals.some((approval) => approval.approvalId === event.approvalId)) {
            return called;
          }
          return {
            ...called,
            approvals: [
              ...m.approvals,
              {
                approvalId: event.approvalId,
                toolCallId: event.toolCallId,
                toolName: event.toolName,
                path: event.path,
                args: event.args,
              },
            ],
          };
        }),
      );
    case 'approval-resolved':
      return withStatus(
        updateAssistant(state, id, (m) => {
          const approval = m.approvals.find((each) => each.approvalId === event.approvalId);
          if (approval === undefined) return m;
          return {
            ...m,
            approvals: m.approvals.filter((each) => each !== approval),
            // Approved: it runs now. Denied: it stays pending until its `denied` result.
            toolCalls:
              event.decision === 'approve'
                ? m.toolCalls.map((call) =>
                    // Its path too: a subagent's call may have its parent's id (`call_1_0`).
                    call.toolCallId === approval.toolCallId &&
                    samePath(call.path, approval.path) &&
                    call.status === 'pending'
                      ? { ...call, status: 'running' }
                      : call,
                  )
                : m.toolCalls,
          };
        }),
      );
    case 'error': {
      const error = event.error;
      return { ...updateAssistant(state, id, (m) => ({ ...m, error })), error };
    }
    case 'finish': {
      const next = updateAssistant(state, id, (m) => ({
        ...m,
        outcome: event.outcome,
        finishReason: event.finishReason,
        // `null` is as good as absent: a server that wrote `undefined` through another JSON encoder.
        usage: event.usage ?? m.usage,
        approvals: [],
      }));
      if (event.outcome !== 'error') return { ...next, status: 'idle', streamingId: undefined };
      const error = next.error ?? { name: 'Error', message: 'The run failed.' };
      return { ...next, status: 'error', error, streamingId: undefined };
    }
    case 'step-start':
      // A step shows through what it does (text, tool calls) and its usage at `step-finish`.
      return state;
    default:
      return state;
  }
}

/** `streaming`, or `awaiting-approval` while the streaming message has approvals waiting. */
function withStatus(state: AgentChatState): AgentChatState {
  if (state.streamingId === undefined) return state;
  const message = state.messages.find((each) => each.id === state.streamingId);
  const waiting = message?.role === 'assistant' && message.approvals.length > 0;
  const status = waiting ? 'awaiting-approval' : 'streaming';
  return status === state.status ? state : { ...state, status };
}

function updateAssistant(
  state: AgentChatState,
  id: string,
  update: (message: AssistantChatMessage) => AssistantChatMessage,
): AgentChatState {
  const index = state.messages.findIndex((message) => message.id === id);
  const message = state.messages[index];
  if (message === undefined || message.role !== 'assistant') return state;
  const next = update(message);
  if (next === message) return state;
  const messages = [...state.messages];
  messages[index] = next;
  return { ...state, messages };
}

/** The message with the call `toolCallId` (of `path`) updated, or added when it is new. */
function upsertCall(
  message: AssistantChatMessage,
  toolCallId: string,
  path: string[],
  update: (call: ChatToolCall) => ChatToolCall,
): AssistantChatMessage {
  const index = message.toolCalls.findIndex(
    (call) => call.toolCallId === toolCallId && samePath(call.path, path),
  );
  const current = message.toolCalls[index];
  const toolCalls = [...message.toolCalls];
  if (current === undefined) {
    // A result or an approval whose call was not seen (a page that resumed late): shown all the same.
    toolCalls.push(
      update({ toolCallId, toolName: '', path, stepNumber: 0, args: undefined, status: 'running' }),
    );
  } else {
    toolCalls[index] = update(current);
  }
  return { ...message, toolCalls };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

/**
 * The step texts with step `stepNumber`'s text updated (added in step order when new). A step
 * number that is not a number (a server that left it out) counts as step 0.
 */
function setStepText(
  steps: readonly { stepNumber: number; text: string }[] = [],
  stepNumber: unknown,
  update: (text: string) => string,
): { stepNumber: number; text: string }[] {
  const number = typeof stepNumber === 'number' && Number.isFinite(stepNumber) ? stepNumber : 0;
  const index = steps.findIndex((step) => step.stepNumber >= number);
  const current = steps[index];
  if (current?.stepNumber === number) {
    return steps.map((step, at) => (at === index ? { ...step, text: update(step.text) } : step));
  }
  const added = { stepNumber: number, text: update('') };
  return index === -1
    ? [...steps, added]
    : [...steps.slice(0, index), added, ...steps.slice(index)];
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

function updateApproval(
  state: AgentChatState,
  action: Extract<AgentChatAction, { type: 'approval-answered' | 'approval-gone' }>,
): AgentChatState {
  const index = state.messages.findIndex(
    (message) =>
      message.role === 'assistant' &&
      message.approvals.some((approval) => approval.approvalId === action.approvalId),
  );
  const message = state.messages[index];
  if (message === undefined || message.role !== 'assistant') return state;
  const approvals =
    action.type === 'approval-gone'
      ? message.approvals.filter((approval) => approval.approvalId !== action.approvalId)
      : message.approvals.map((approval) =>
          approval.approvalId === action.approvalId
            ? {
                ...approval,
                answering: action.type === 'approval-answered' ? action.decision : undefined,
              }
            : approval,
        );
  const messages = [...state.messages];
  messages[index] = { ...message, approvals };
  return withStatus({ ...state, messages });
}
