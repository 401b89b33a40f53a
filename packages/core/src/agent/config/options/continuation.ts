import {
  continuationOptionCheck,
  resolveContinuation,
} from '../../../continuation/continuation-options.ts';
import type { AgentConfig } from '../agent-config.ts';
import type { AgentOptions } from '../agent-options.ts';
import { type AgentOptionGroup, defineAgentOptions } from './define-agent-options.ts';

/**
 * `continuation`: automatic continuation of long-decode answers. Its shape, check and defaults
 * live with the continuation loop (continuation/continuation-options.ts), which owns them; this
 * group only joins them to `createAgent`. @internal
 */
export const continuationOption: AgentOptionGroup<'continuation', 'continuation'> =
  defineAgentOptions({
    checks: {
      continuation: continuationOptionCheck,
    },
    // On, with the settings' own defaults (CONTINUATION_DEFAULTS).
    defaults: { continuation: true },
  });

/** The part of `AgentConfig` this option makes. @internal */
export type ContinuationConfig = Pick<AgentConfig<unknown>, 'continuation'>;

/** Applies the continuation defaults. @internal */
export function resolveContinuationOption(options: AgentOptions<unknown>): ContinuationConfig {
  return {
    continuation: resolveContinuation(continuationOption.withDefaults(options).continuation),
  };
}
