// @gemloop/core/loop-guard: a plugin that steers a model out of a loop of repeated tool calls,
// and ends the run when it will not stop (see docs/loops-that-dont-waste.md).

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
export type { CallRecords } from './call-records.ts';
export {
  DEFAULT_LOOP_GUARD_MAX_REPEATS,
  DEFAULT_LOOP_GUARD_MAX_STEERS,
  DEFAULT_LOOP_GUARD_WINDOW,
  type LoopGuardOptions,
  loopGuard,
} from './loop-guard.ts';
export { type LoopGuardReason, loopGuardReasons } from './loop-guard-reasons.ts';
