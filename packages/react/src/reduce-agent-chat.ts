// The chat's state as a pure function of what happened: a send, each event of the run's stream, an
// answer to an approval, a stop, a failure. `useAgentChat` keeps it with `useReducer`; a page with
// another framework (or a test) can fold events through it the same way.

import type {
  AgentChatMessage,
  AgentChatState,
  AssistantChatMessage,
  ChatError,
  ChatFile,
} from './agent-chat-message.ts';
import { carryEarlyResolutions, earlyResolutionsOf } from './early-resolutions.ts';
import { isWellFormedEvent, readFinishEvent } from './is-well-formed-event.ts';
import { createMessageDraft } from './message-draft.ts';
import { readSavedMessages } from './read-saved-messages.ts';

/**
 * What a chat's `error` is when the server ended the run as failed (`finish` with `error`) and sent
 * no error this page could read: none, a malformed one (dropped), or one sent before a page reload
 * that the saved messages do not hold (a saved one is kept, see `resume`). What is known, and a code a page can switch on; the stream itself
 * was whole (a stream that broke fails with `@gemloop/client`'s `connection-lost`).
 */
const RUN_FAILED_UNEXPLAINED: ChatError = {
  name: 'Error',
  code: 'run-failed-unexplained',
  message: 'The run failed, and the server did not say why.',
};

// why (sentinel): the key a resumed answer holds its saved `completed` self under; holds nothing.
const RESUMED_FROM: unique symbol = Symbol('gemloop.react.resumed-from');
/** An answer being resumed, with the message the saved messages showed completed (non-enumerable). */
type Resumed = AssistantChatMessage & { [RESUMED_FROM]?: AssistantChatMessage };

/** What changes the chat's state. */
export type AgentChatAction =
  /** The user sent `text`: a user message and an empty assistant message that the run fills. */
  | {
      type: 'send';
      userId: string;
      assistantId: string;
      text: string;
      /** The files sent with it, as the page shows them. */
      files?: ChatFile[] | undefined;
    }
  /** A send refused before any request (a file the page cannot send): the chat shows `error`. */
  | { type: 'refused'; error: ChatError }
  /** Send the last user message again: what came after it is replaced by a new assistant message. */
  | { type: 'reload'; assistantId: string }
  /**
   * An event of the run streaming into message `messageId`. Typed `unknown` on purpose: an event
   * type this package does not know (a newer server) changes nothing.
   */
  | { type: 'event'; messageId: string; event: unknown }
  /**
   * Events of the run streaming into `messageId`, in order: the same as one `event` action each,
   * in work proportional to them (the message is copied once, not once per event). What
   * `useAgentChat` dispatches for the events that arrived together.
   */
  | { type: 'events'; messageId: string; events: readonly unknown[] }
  /**
   * Continue run `runId` (a page reload, `useAgentChat`'s `resume`): the last assistant message of
   * that run streams again, or a new one (`assistantId`) when the messages do not hold it.
   */
  | { type: 'resume'; assistantId: string; runId: string }
  /** This page answered an approval (the server confirms with `approval-resolved`). */
  | {
      type: 'approval-answered';
      approvalId: string;
      /** `undefined`: the answer was not accepted, the buttons come back. */
      decision: 'approve' | 'deny' | undefined;
    }
  /** Nothing waits under that id any more (answered elsewhere, timed out, run ended). */
  | { type: 'approval-gone'; approvalId: string }
  /** An MCP server's question was answered from this page or is gone: it stops showing. */
  | { type: 'elicitation-gone'; id: string }
  /** The page stopped the run (its request was aborted, which aborts the run on the server). */
  | { type: 'stopped'; messageId: string }
  /** The stream failed (an HTTP error, a lost connection, a limit): the run's outcome is unknown. */
  | {
      type: 'failed';
      messageId: string;
      error: ChatError;
      /**
       * `true`: the message goes, and the chat shows `error` alone. For a message added for this
       * run (a `resume` of a run the messages did not hold) that no event reached: the run that
       * failed is nothing of the conversation (`useAgentChat` sets it).
       */
      discard?: boolean | undefined;
    }
  /** Replace the messages (a conversation loaded from elsewhere); stops nothing by itself. */
  | { type: 'set-messages'; messages: AgentChatMessage[] };

/** The state of a chat with `messages` (default none), idle. */
export function initialAgentChatState(messages: readonly AgentChatMessage[] = []): AgentChatState {
  return {
    messages: readSavedMessages(messages),
    status: 'idle',
    error: undefined,
    streamingId: undefined,
  };
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
          action.files === undefined || action.files.length === 0
            ? { id: action.userId, role: 'user', text: action.text }
            : { id: action.userId, role: 'user', text: action.text, files: action.files },
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
      return applyEvents(state, action.messageId, [action.event]);
    case 'events':
      return applyEvents(state, action.messageId, action.events);
    case 'resume':
      return resume(state, action);
    case 'approval-answered':
    case 'approval-gone':
      return updateApproval(state, action);
    case 'elicitation-gone':
      return removeElicitation(state, action.id);
    case 'stopped':
      if (action.messageId !== state.streamingId) return state;
      return { ...endStreaming(state), status: 'idle' };
    case 'failed': {
      if (action.messageId !== state.streamingId) return state;
      if (action.discard === true) {
        const messages = state.messages.filter((message) => message.id !== action.messageId);
        return { messages, status: 'error', error: action.error, streamingId: undefined };
      }
      const next = updateAssistant(
        state,
        action.messageId,
        (message) =>
          // A resume of an answer saved `completed` that nothing changed since: the failure says
          // nothing of that run, which ended. Marked `error`, a finished answer read as a failed
          // one, and was saved so.
          (message as Resumed)[RESUMED_FROM] ?? {
            ...message,
            outcome: message.outcome ?? 'error',
            approvals: [],
            error: action.error,
          },
      );
      return { ...next, status: 'error', error: action.error, streamingId: undefined };
    }
    case 'set-messages':
      return { ...state, messages: readSavedMessages(action.messages) };
    case 'refused':
      return {
        ...endStreaming(state),
        status: 'error',
        error: action.error,
        streamingId: undefined,
      };
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

/**
 * The state after the events of the run streaming into message `id`: an unknown type, or a known
 * one with a field of the wrong type, changes nothing, bar `finish`, which ends the run whatever
 * its shape (`readFinishEvent`); nothing after it is read.
 */
function applyEvents(
  state: AgentChatState,
  id: string,
  events: readonly unknown[],
): AgentChatState {
  if (id !== state.streamingId) return state;
  // From the end: the streaming message is the last one, bar a page's own `set-messages`.
  const index = state.messages.findLastIndex((message) => message.id === id);
  const found = state.messages[index];
  const message = found?.role === 'assistant' ? found : undefined;
  // A message the page removed meanwhile still ends its run (status, error) at `finish`.
  const draft = createMessageDraft(message ?? emptyAssistant(id));
  let error = state.error;
  let finished: false | 'ended' | 'error' = false;
  for (const each of events) {
    // A `finish` of any shape ends the run, as it ends the client's stream.
    const event = readFinishEvent(each) ?? each;
    if (!isWellFormedEvent(event)) continue;
    draft.apply(event);
    if (event.type === 'error') error = event.error;
    if (event.type === 'finish') {
      // An `error` event means the run failed (docs/browser-protocol.md: "`finish` follows"): a
      // `finish` that says otherwise after one ended the chat `idle` with the error set, a failed
      // answer shown as a finished one. The error stays, and the run ends as failed.
      finished = event.outcome === 'error' || error !== undefined ? 'error' : 'ended';
      if (finished === 'error' && event.outcome !== 'error')
        draft.apply({ ...event, outcome: 'error' });
      break;
    }
  }
  let next = draft.done();
  // A failed end with no error this page could read: the message tells the same as the state.
  if (finished === 'error' && error === undefined)
    next = { ...next, error: RUN_FAILED_UNEXPLAINED };
  const kept = message === undefined || next === message;
  if (kept && !finished && error === state.error) return state;
  let messages = state.messages;
  if (!kept) {
    // A copy and one slot, not `Array.prototype.with` (Safari 16 and Chrome 109 lack it).
    messages = [...messages];
    messages[index] = next;
  }
  if (finished === false) return withStatus({ ...state, messages, error });
  if (finished === 'ended') return { messages, error, status: 'idle', streamingId: undefined };
  return {
    messages,
    status: 'error',
    error: error ?? RUN_FAILED_UNEXPLAINED,
    streamingId: undefined,
  };
}

/** The state streaming run `runId` again (`resume`), into its last message or a new one. */
function resume(
  state: AgentChatState,
  action: Extract<AgentChatAction, { type: 'resume' }>,
): AgentChatState {
  const { messages } = endStreaming(state);
  const index = messages.findLastIndex(
    (message) => message.role === 'assistant' && message.runId === action.runId,
  );
  const message = messages[index];
  if (message === undefined || message.role !== 'assistant') {
    return {
      messages: [...messages, { ...emptyAssistant(action.assistantId), runId: action.runId }],
      status: 'streaming',
      error: undefined,
      streamingId: action.assistantId,
    };
  }
  const next = [...messages];
  // Saved while the run went on: no outcome yet (or `aborted` by this page's own stop, which the
  // run on the server did not see). An error with no outcome is the run's `error` event, saved
  // before the reload: the resumed stream starts after it, so it is kept for the `finish` that
  // follows. One the page set (`failed`: a stream that broke, outcome `error`) is dropped.
  const error = message.outcome === undefined ? message.error : undefined;
  const resumed: Resumed = { ...message, outcome: undefined, finishReason: undefined, error };
  // Its saved end, for a `failed` before any event changes it (an event's copy leaves it behind).
  if (message.outcome === 'completed') {
    Object.defineProperty(resumed, RESUMED_FROM, { value: message, configurable: true });
  }
  next[index] = resumed;
  return withStatus({
    messages: next,
    status: 'streaming',
    error,
    streamingId: message.id,
  });
}

/**
 * `streaming`, or `awaiting-approval` while the streaming message has approvals or MCP servers'
 * questions waiting.
 */
function withStatus(state: AgentChatState): AgentChatState {
  if (state.streamingId === undefined) return state;
  const message = state.messages.find((each) => each.id === state.streamingId);
  const waiting =
    message?.role === 'assistant' &&
    (message.approvals.length > 0 || (message.elicitations?.length ?? 0) > 0);
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
  carryEarlyResolutions(approvals, earlyResolutionsOf(message.approvals));
  messages[index] = { ...message, approvals };
  return withStatus({ ...state, messages });
}

function removeElicitation(state: AgentChatState, id: string): AgentChatState {
  const index = state.messages.findIndex(
    (message) =>
      message.role === 'assistant' &&
      message.elicitations?.some((elicitation) => elicitation.id === id) === true,
  );
  const message = state.messages[index];
  if (message === undefined || message.role !== 'assistant') return state;
  const messages = [...state.messages];
  messages[index] = {
    ...message,
    elicitations: (message.elicitations ?? []).filter((elicitation) => elicitation.id !== id),
  };
  return withStatus({ ...state, messages });
}
