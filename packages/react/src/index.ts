// @gemloop/react: a React hook for a chat UI on a gemloop run that a server streams with
// `@gemloop/core/web`, read by `@gemloop/client` (its parser, reconnects and limits). Hooks only:
// the markup is the page's.
//
// 'use client': React Server Components (Next.js's app router) may import this package only from a
// client component; the directive marks the boundary, as React's hook packages do (trigger.dev's
// packages/react, for one, prepends it to its build).
'use client';

// The event types, the error class and its page words of the client, so a page needs no second
// import for them.
export {
  type BrowserError,
  type BrowserEvent,
  ClientError,
  type FileFault,
  type MessageFile,
  type MessageFileInput,
  type ReadMessageFilesOptions,
  type ResumePoint,
  toPageMessage,
} from '@gemloop/client';
export type {
  AgentChatMessage,
  AgentChatState,
  AgentChatStatus,
  AssistantChatMessage,
  ChatApproval,
  ChatElicitation,
  ChatError,
  ChatFile,
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
  type SendOptions,
  type UseAgentChatOptions,
  type UseAgentChatResult,
  useAgentChat,
} from './use-agent-chat.ts';
