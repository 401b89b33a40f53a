import {
  type ContentJsonCache,
  createContentJsonCache,
} from '../../http/serialize-request-body.ts';
import type { Cost } from '../../models/cost.ts';
import { CostTotal } from '../../models/cost-total.ts';
import type { AgentRunState, AgentStep, AgentUsage } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { GroundingMetadata } from '../../wire/response.ts';
import { addUsageMetadata, emptyUsage } from '../usage.ts';

/**
 * The mutable state of one run: the growing history, the steps, the summed usage, the grounding.
 * Appending is O(1); only `state()` slices out the new contents (once, at the end or on a throw).
 * @internal
 */
export class RunTracker {
  readonly contents: Content[];
  readonly inputLength: number;
  readonly steps: AgentStep[] = [];
  readonly usage: AgentUsage = emptyUsage();
  /** What `usage` cost (exact; unknown once a call's price was). */
  readonly cost: CostTotal = new CostTotal();
  readonly grounding: GroundingMetadata[] = [];
  /** The agents the run was handed to, in order (see `handOff`). */
  readonly handoffs: string[] = [];
  /**
   * The JSON of the contents this run sent, by content: each step serialises only what it added.
   * One per run, never handed out, so a history edited in place between runs is sent as it is.
   */
  readonly contentJson: ContentJsonCache = createContentJsonCache();

  constructor(contents: Content[], inputLength: number) {
    this.contents = contents;
    this.inputLength = inputLength;
  }

  append(content: Content): void {
    this.contents.push(content);
  }

  /** Counts one model call (or a tool's): its tokens and what they cost. */
  addUsage(usage: AgentUsage, cost: Cost): void {
    addUsageMetadata(this.usage, usage);
    this.cost.add(cost);
  }

  /** The history, new contents, steps and usage, for the result or an error. */
  state(): AgentRunState {
    return {
      contents: this.contents,
      newContents: this.contents.slice(this.inputLength),
      steps: this.steps,
      usage: { ...this.usage },
      cost: this.cost.total,
    };
  }
}
