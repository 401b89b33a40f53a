import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import {
  COMPACTION_DEFAULTS,
  DEFAULT_CLEAR_MIN_TOKENS,
  DEFAULT_SUMMARY_PROMPT,
  resolveCompaction,
} from './compaction-options.ts';

const model = { model: 'gemini-3-flash-preview', inputTokenLimit: 1_000_000 };

describe('the defaults of the compaction option', () => {
  it('are what the TSDoc of CompactionOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./compaction-options.ts', import.meta.url),
        'CompactionOptions',
        COMPACTION_DEFAULTS,
      ),
    ).toEqual([]);
  });

  it('apply to each field left out or given as undefined', () => {
    const settings = resolveCompaction({ keepRecent: undefined }, model);
    expect(settings).toMatchObject({
      windowFraction: COMPACTION_DEFAULTS.windowFraction,
      targetFraction: COMPACTION_DEFAULTS.targetFraction,
      keepRecent: COMPACTION_DEFAULTS.keepRecent,
      clearToolResults: { minTokens: DEFAULT_CLEAR_MIN_TOKENS },
      pruneThoughts: true,
      summarize: undefined,
      countNearThreshold: false,
      contextWindow: 1_000_000,
    });
  });

  it('keep what is given, false and 0 included', () => {
    const settings = resolveCompaction(
      {
        keepRecent: 0,
        clearToolResults: false,
        pruneThoughts: false,
        summarize: true,
        countNearThreshold: true,
        windowFraction: 0.5,
      },
      model,
    );
    expect(settings).toMatchObject({
      keepRecent: 0,
      clearToolResults: undefined,
      pruneThoughts: false,
      summarize: { model: undefined, prompt: DEFAULT_SUMMARY_PROMPT },
      countNearThreshold: true,
      windowFraction: 0.5,
    });
  });
});
