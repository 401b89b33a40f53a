// @gemloop/react: a React hook for a chat UI on a gemloop run that a server streams with
// `@gemloop/core/web`, read by `@gemloop/client` (its parser, reconnects and limits). Hooks only:
// the markup is the page's.

// The event types and the error class of the client, so a page needs no second import for them.
export { type BrowserError, type BrowserEvent, ClientError } from '@gemloop/client';
export type {
  AgentChatMessage,
  AgentChatState,
  AgentChatStatus,
  AssistantChatMessage,
  ChatApproval,
  ChatError,
  ChatToolCall,
  ToolCallStatus,
  UserChatMessage,
} from './agent-chat-message.ts';
export {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';
export {
  type AgentChatRequest,
  type UseAgentChatOptions,
  type UseAgentChatResult,
  useAgentChat,
} from './use-agent-chat.ts';
