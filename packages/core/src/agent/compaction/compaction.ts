import {
  type CompactionOptions,
  compactionOptionCheck,
  resolveCompaction,
} from '../../compaction/compaction-options.ts';
import { compactBeforeStep } from '../loop/compact-before-step.ts';
import type { CompactionEngine } from '../run-state/run-context.ts';
import type { Compaction } from './compaction-value.ts';

const engine: CompactionEngine = { resolve: resolveCompaction, compactBeforeStep };

/**
 * Compaction for an agent, a run or a chat session: before a model step whose request would pass
 * the threshold, old tool results are cleared, old thoughts pruned and (with `summarize`) the
 * older turns summarized, never breaking call/response pairing or thought signatures (see
 * {@link CompactionOptions}). The value carries the compaction's implementation, so an
 * application that never makes one does not bundle it.
 *
 * @example
 * ```ts
 * createAgent({ model, compaction: compaction({ maxTokens: 100_000, summarize: true }) });
 * ```
 * @throws {@link InvalidArgumentError} when an option is malformed (named in the message).
 */
export function compaction(options: CompactionOptions = {}): Compaction {
  compactionOptionCheck(options, 'compaction');
  return { kind: 'compaction', options, engine };
}
