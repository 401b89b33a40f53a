// @gemloop/core/web: a run streamed to a page as server-sent events (docs/browser-protocol.md),
// with resuming after a broken connection and approvals answered from the page. Portable: it
// imports nothing of Node (`writeEventStream` takes any object shaped like Node's response).

export type {
  ApprovalAnswerOptions,
  ApprovalBroker,
  ApprovalBrokerOptions,
} from './approval-broker.ts';
export { createApprovalBroker } from './approval-broker.ts';
export type {
  BrowserApprovalAnswer,
  BrowserApprovalPendingEvent,
  BrowserApprovalResolvedEvent,
  BrowserError,
  BrowserErrorEvent,
  BrowserEvent,
  BrowserEventBase,
  BrowserFinishEvent,
  BrowserPluginEvent,
  BrowserProtocolVersion,
  BrowserStartEvent,
  BrowserStepFinishEvent,
  BrowserStepStartEvent,
  BrowserTextDeltaEvent,
  BrowserThoughtDeltaEvent,
  BrowserToolCallEvent,
  BrowserToolResultEvent,
  BrowserUsage,
} from './browser-event.ts';
export type { AgentEventSource } from './browser-run.ts';
export type {
  ReplayAccessOptions,
  ReplayBuffer,
  ReplayBufferOptions,
} from './replay-buffer.ts';
export { CANCEL_HEADER, createReplayBuffer, RUN_ID_HEADER } from './replay-buffer.ts';
export type { RunDoor } from './run-access-denied-error.ts';
export { RunAccessDeniedError } from './run-access-denied-error.ts';
export type { RunOwner } from './run-owner.ts';
export { checkRunOwner, isRunOwner } from './run-owner.ts';
export { EVENT_STREAM_HEADERS } from './sse-frame.ts';
export type {
  DurableEventEntry,
  DurableEventStreamOptions,
} from './to-durable-event-stream-response.ts';
export { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
export type { EventStreamOptions } from './to-event-stream-response.ts';
export { toEventStreamResponse } from './to-event-stream-response.ts';
export type { NodeResponseLike } from './write-event-stream.ts';
export { writeEventStream } from './write-event-stream.ts';
