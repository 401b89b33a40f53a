// @gemloop/core/composition: agents made of agents. `subagent()` makes an agent a tool of
// another, its run a child of the caller's (events with their `path`, usage by agent, signal,
// approvals and spans across the boundary).

export type { AgentPath } from '../agent/agent-event.ts';
export type { TreeBudgetOptions } from '../agent/config/agent-options.ts';
export type { SubagentErrorOptions } from '../agent/errors/subagent-error.ts';
export { SubagentError } from '../agent/errors/subagent-error.ts';
export { TreeBudgetError, type TreeBudgetLimit } from '../agent/errors/tree-budget-error.ts';
export type { AgentUsageByAgent } from '../run/agent-result.ts';
// The types this entry's functions return, so a library that exports what it makes names them here.
export type { DefinedTool } from '../tools/define/define-tool-options.ts';
export type { HandoffOptions } from './handoff.ts';
export { handoff } from './handoff.ts';
export { subagent } from './subagent.ts';
export type { SubagentOptions } from './subagent-options.ts';
export { DEFAULT_SUBAGENT_TIMEOUT_MS } from './subagent-options.ts';
