import type { Logger } from '../../../logging/logger.ts';
import { observerOptionChecks, resolveObservers } from '../../../telemetry/resolve-observers.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `name`, `telemetry` and `recorder`: the observers of every run. Their checks live with the
 * observers they make (telemetry/resolve-observers.ts), which the chat and tests also use.
 * @internal
 */
export const observerOptions: AgentOptionGroup<'name' | 'telemetry' | 'recorder'> =
  defineAgentOptions({
    checks: {
      name: observerOptionChecks.name,
      telemetry: observerOptionChecks.telemetry,
      recorder: observerOptionChecks.recorder,
    },
  });

/** The part of `AgentConfig` these options make. @internal */
export type ObserverConfig = Pick<AgentConfig<unknown>, 'name' | 'observers'>;

/**
 * Makes the observers: telemetry (unless `telemetry: false`; its failure told to `logger`) and
 * the recorder. @internal
 */
export function resolveObserverOptions(
  options: AgentOptions<unknown>,
  logger: Logger,
): ObserverConfig {
  return resolveObservers(options, logger);
}
