import type { CompactionOptions, CompactionSettings } from '../../compaction/compaction-options.ts';

/**
 * The value of a `compaction` option (agent, run, chat session): made by `compaction()` of
 * `@gemloop/core/compaction`, it carries the options and the compaction's implementation (its
 * defaults, the decision before each step, clearing, pruning, the summarizer and the estimate),
 * so an agent that never compacts never loads (nor bundles) them: the loop reaches them only
 * through this value.
 */
export type Compaction = {
  readonly kind: 'compaction';
  /** The options it was made from (checked). */
  readonly options: CompactionOptions;
  /**
   * The implementation the loop calls (a `CompactionEngine` of agent/run-state/run-context.ts;
   * opaque here, so the option types do not import the loop's). @internal
   */
  readonly engine: object;
};

/**
 * A `compaction` value resolved for one model: its settings with the defaults and the model's
 * window applied, and the implementation it came with. What `AgentConfig` and a run keep.
 * @internal
 */
export type ResolvedCompaction = {
  readonly settings: CompactionSettings;
  /** The `CompactionEngine` (agent/run-state/run-context.ts) the value carried. */
  readonly engine: object;
};

/** Whether `value` is a {@link Compaction} made by `compaction()`. @internal */
export function isCompaction(value: unknown): value is Compaction {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, options, engine } = value as Partial<Record<keyof Compaction, unknown>>;
  return (
    kind === 'compaction' &&
    typeof options === 'object' &&
    options !== null &&
    typeof engine === 'object' &&
    engine !== null
  );
}
