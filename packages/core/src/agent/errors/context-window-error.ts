import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * A model step's request would not fit the model's input window even after compaction cut
 * everything it may (old tool results cleared, the current step's results stored as
 * artifacts), so nothing was sent: Gemini would refuse it with a 400, or cut it. Thrown before
 * the request, with the run's history so far (`run`), what the window and the estimate were, and
 * what could not be cut. Only a run with the `compaction` option checks its requests against the
 * window (it knows the window, and may rewrite the history).
 */
export class ContextWindowError extends AgentRunError {
  override readonly code = 'context-window';
  /** The model whose window it is. */
  readonly model: string;
  /** The input window in tokens (`compaction.contextWindow`, or the known-models table's). */
  readonly window: number;
  /** The estimated tokens of the request after every cut (gemloop's estimate, as compaction's). */
  readonly estimatedTokens: number;
  /** Of which the system instruction, tools and cached contents every request sends. */
  readonly fixedTokens: number;
  /** The model step whose request it was. */
  readonly stepNumber: number;
  /** What could not be cut, biggest first, in words (e.g. `content 0 (user text): 30000 tokens`). */
  readonly uncut: readonly string[];

  constructor(options: {
    model: string;
    window: number;
    estimatedTokens: number;
    fixedTokens: number;
    stepNumber: number;
    uncut: readonly string[];
    /** What compaction cut before giving up, in words. */
    cut: string;
    run: AgentRunState;
  }) {
    super({
      message: `The request of model step ${options.stepNumber} would be about ${options.estimatedTokens} tokens, over the ${options.window}-token input window of ${options.model}, after ${options.cut}; nothing was sent. What could not be cut: ${options.uncut.join('; ')}. To fix: cap each tool result (toolOutput({ maxTokens }) of @gemloop/core/compaction), give compaction({ artifacts }) and readToolOutputTool(artifacts) so a step's results can be stored and read back in slices, turn on compaction({ summarize: true }), send a shorter input or system instruction, or use a model with a larger window (compaction({ contextWindow }) when the model's is larger than gemloop's table says). error.run holds the history so far.`,
      run: options.run,
    });
    this.model = options.model;
    this.window = options.window;
    this.estimatedTokens = options.estimatedTokens;
    this.fixedTokens = options.fixedTokens;
    this.stepNumber = options.stepNumber;
    this.uncut = options.uncut;
  }

  static override isInstance(error: unknown): error is ContextWindowError {
    return GemloopError.hasCode(error, 'context-window');
  }
}
