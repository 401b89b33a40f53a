// @gemloop/core/chat: chat sessions (a conversation kept across runs of an agent) and the stores
// that keep their history. This is the portable entry; on Node (and Bun and Deno) `index.node.ts`
// adds the file store, whose types are here too.

export type { ChatHistoryLimit } from './chat-history-limit.ts';
export type {
  ChatBudget,
  ChatResult,
  ChatSendInfo,
  ChatSendOptions,
  ChatSession,
  ChatStream,
  CreateChatSessionOptions,
} from './chat-session.ts';
export { createChatSession } from './create-chat-session.ts';
export type {
  CreateFileHistoryStoreOptions,
  FileHistoryStore,
} from './create-file-history-store.ts';
export type {
  CreateMemoryHistoryStoreOptions,
  MemoryHistoryStore,
} from './create-memory-history-store.ts';
export { createMemoryHistoryStore } from './create-memory-history-store.ts';
export type {
  ChatTurn,
  HistoryStore,
  HistoryStoreContext,
  RecentChatTurns,
} from './history-store.ts';
export type { ChatSessionSpend } from './session-spend.ts';
export type { ChatMessage } from './to-message-parts.ts';
