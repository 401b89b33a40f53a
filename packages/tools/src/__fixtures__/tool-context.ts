import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';

/**
 * The context the agent hands a tool's `execute`, for tests that call a ready-made tool directly:
 * a signal nobody aborts unless one is given, a silent logger, no contents.
 */
export function toolContext(signal: AbortSignal = new AbortController().signal): ToolExecuteContext {
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}
