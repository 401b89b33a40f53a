import type { AgentConfig } from '../config/agent-config.ts';

/**
 * Whether `error` ends the run as it is (`AgentOptions.isRunEndingError`). A predicate that
 * throws answers `false`: the error is then handled as any other, which is what happens without
 * one.
 * @internal
 */
export function isRunEnding<Output>(config: AgentConfig<Output>, error: unknown): boolean {
  const predicate = config.isRunEndingError;
  if (predicate === undefined) return false;
  try {
    return predicate(error) === true;
  } catch {
    return false;
  }
}
