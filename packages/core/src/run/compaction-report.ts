import type { CompactionError } from '../errors/compaction-error.ts';
import type { Cost } from '../models/cost.ts';
import type { UsageMetadata } from '../wire/response.ts';

// What a compaction reports (the `compaction` event, `result.compaction`, the observers' span):
// beside the run's result types, below the telemetry and the recorder that read it, and below the
// compaction (@gemloop/core/compaction) that makes it.

/** What one compaction did. */
export type CompactionReport = {
  /** The model step it happened before. */
  stepNumber: number;
  reason: 'tokens' | 'steps';
  /** Estimated tokens of the contents before and after (system instruction and tools aside). */
  tokensBefore: number;
  tokensAfter: number;
  /** Tool results replaced by a placeholder. */
  clearedToolResults: number;
  /** Thought parts dropped. */
  prunedThoughts: number;
  /** Contents replaced by a summary (0 when none was written). */
  summarizedContents: number;
  /** `onCompaction` replaced the built-in result. */
  replaced: boolean;
};

/**
 * When a compaction ran, and its summarizer's model call when it made one: the third argument of
 * a run observer's `compaction` hook, so a `gemloop.compaction` span can cover the compaction
 * and hold the call as a child span.
 */
export type CompactionTrace = {
  /** When the compaction started (the run's clock, ms). */
  startedAt: number;
  /** The summarizer's model call, when the compaction made one. */
  summarizer?: SummarizerCall | undefined;
};

/** One summarizer model call, timed by the run's clock (see {@link CompactionTrace}). */
export type SummarizerCall = {
  model: string;
  startedAt: number;
  endedAt: number;
  /** What the call reported (absent when it failed before a response). */
  usage?: UsageMetadata | undefined;
  /** What `usage` cost, priced for the summarizer's model (absent with `usage`). */
  cost?: Cost | undefined;
  /** Why it failed (redacted), when it did. */
  error?: CompactionError | undefined;
};
