// @gemloop/client: reads a run that `@gemloop/core/web` streams into typed events, in browsers,
// Workers and Node. The event types come from `@gemloop/core/web` as types only: a page's bundle
// holds this package and eventsource-parser, nothing of core.

export type {
  BrowserApprovalAnswer,
  BrowserApprovalPendingEvent,
  BrowserApprovalResolvedEvent,
  BrowserError,
  BrowserErrorEvent,
  BrowserEvent,
  BrowserFinishEvent,
  BrowserPluginEvent,
  BrowserStartEvent,
  BrowserStepFinishEvent,
  BrowserStepStartEvent,
  BrowserTextDeltaEvent,
  BrowserThoughtDeltaEvent,
  BrowserToolCallEvent,
  BrowserToolResultEvent,
  BrowserUsage,
} from '@gemloop/core/web';
export { agentEvents } from './agent-events.ts';
export type { AgentEventsOptions } from './agent-events-options.ts';
export { PROTOCOL_VERSION } from './read-event-messages.ts';
export { type AnswerApprovalOptions, answerApproval } from './answer-approval.ts';
export {
  type AnswerElicitationOptions,
  answerElicitation,
  type ElicitationAnswer,
} from './answer-elicitation.ts';
export { checkOptionKeys } from './check-option-keys.ts';
export type { HeadersOption } from './header-credentials.ts';
export { ClientError, type ClientErrorCode, type FileFault } from './client-error.ts';
export {
  type MessageFile,
  type MessageFileInput,
  type ReadMessageFilesOptions,
  readMessageFiles,
} from './read-message-files.ts';
export { checkResumePoint, type ResumePoint } from './resume-point.ts';
export { toPageMessage } from './to-page-message.ts';
export { type StreamAgentOptions, type StreamAgentResult, streamAgent } from './stream-agent.ts';
