import type { Content, Part } from '../wire/content.ts';
/** What `agent.run()` takes: a user message, user parts, or a whole history to continue. */
export type AgentInput = string | readonly Part[] | readonly Content[];
