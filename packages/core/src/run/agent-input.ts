import type { HistoryTurn } from '../history/history-turn.ts';
import type { Content, Part } from '../wire/content.ts';

/**
 * What `agent.run()` takes: a user message, user parts, or a whole history to continue, as
 * contents (this agent's model's) or as turns that say which model wrote them.
 */
export type AgentInput = string | readonly Part[] | readonly Content[] | readonly HistoryTurn[];
