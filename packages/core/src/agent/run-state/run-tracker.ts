import {
  type ContentJsonCache,
  createContentJsonCache,
} from '../../http/serialize-request-body.ts';
import type { Cost } from '../../models/cost.ts';
import { CostTotal, type PricedCost, type PriceLater } from '../../models/cost-total.ts';
import type { AgentCacheReport } from '../../run/agent-cache-report.ts';
import type { AgentRunState, AgentStep, AgentUsage } from '../../run/agent-result.ts';
import type { CompactionReport } from '../../run/compaction-report.ts';
import type { SteeringReport } from '../../run/steering-report.ts';
import type { Content } from '../../wire/content.ts';
import type { GroundingMetadata } from '../../wire/response.ts';
import { addAgentUsage, emptyUsage } from '../usage.ts';
import type { ChildSpend } from './child-spend.ts';
import type { StepCostProperty } from './step-cost.ts';
import { defineTotalOnRead } from './total-on-read.ts';

/**
 * The mutable state of one run: the growing history, the steps, the summed usage, the grounding.
 * Appending is O(1); only `state()` slices out the new contents (once, at the end or on a throw).
 * @internal
 */
export class RunTracker {
  readonly contents: Content[];
  /** How many contents are the history the run was given (see {@link inputLength}). */
  private givenLength: number;
  /**
   * Where the input the `checkInput` hooks see starts: after the given history, or, when the
   * input was that history itself (contents or turns: nothing follows it), at the user turn it
   * ends with (see {@link checkedInputStart}).
   */
  private readonly inputStart: number;
  readonly steps: AgentStep[] = [];
  readonly usage: AgentUsage;
  /** What `usage` cost (exact; unknown once a call's price was). */
  readonly cost: CostTotal;
  readonly grounding: GroundingMetadata[] = [];
  /** The agents the run was handed to, in order (see `handOff`). */
  readonly handoffs: string[] = [];
  /** How many of the link's `childUsage` entries earlier steps took (see `endStep`). */
  childUsageTaken = 0;
  /**
   * The JSON of the contents this run sent, by content: each step serialises only what it added.
   * One per run, never handed out, so a history edited in place between runs is sent as it is.
   */
  readonly contentJson: ContentJsonCache = createContentJsonCache();

  /**
   * The compacted history that replaces `contents[0, sentThrough)` in requests (the `compaction`
   * option); `undefined` until a compaction. Contents appended after it go after it as they are,
   * so a compacted prefix stays byte-stable from one step to the next.
   */
  private compacted: readonly Content[] | undefined;
  private compactedThrough = 0;
  /**
   * The token estimate of each content the run sent (`compaction`'s decision, per content once),
   * made on first use: a run without compaction makes no WeakMap.
   */
  get tokenEstimates(): WeakMap<Content, number> {
    this.estimates ??= new WeakMap();
    return this.estimates;
  }
  private estimates: WeakMap<Content, number> | undefined;
  /** Each compaction of the run, in order. */
  readonly compactions: CompactionReport[] = [];

  /**
   * With steering (its plugin keeps it): what happened to each message it brought (`applied` or
   * `dropped`, in order); `undefined` for a run nobody steered. The same array goes into
   * every `state()`, so an error's `run` built before the run dropped what still waited lists
   * those too.
   */
  steering: SteeringReport[] | undefined;
  /**
   * With the agent's `cache` option (its plugin writes it when the run ends): what the result's
   * `cache` says; `undefined` without one.
   */
  cacheReport: AgentCacheReport | undefined;
  /**
   * Whether the run's input met the plugins' `checkInput` hooks (its first model step; the input
   * guardrails are such a plugin): user contents a plugin adds after it meet them on their own
   * (`PluginRun.addInput`).
   */
  inputChecked = false;
  /**
   * The step whose `step-start` was emitted last: a step whose call is sent again (a plugin's
   * `wrapModelCall` calling `next` twice, as model fallback does; an input rewritten beside the
   * call) starts once.
   */
  startedStep = 0;

  /** The meter of the call that started this run (a child run): its tallies are this run's. */
  private readonly spend: ChildSpend | undefined;

  constructor(contents: Content[], inputLength: number, spend?: ChildSpend) {
    this.contents = contents;
    this.givenLength = inputLength;
    this.inputStart = checkedInputStart(contents, inputLength);
    this.spend = spend;
    // A child run counts into its meter's own usage and cost (both start empty, as a run's do),
    // so the call that started it reads what it spent whatever way it ends, with no second sum
    // kept beside the run's.
    this.usage = spend?.usage ?? emptyUsage();
    this.cost = spend?.cost ?? new CostTotal();
  }

  append(content: Content): void {
    this.contents.push(content);
  }

  /**
   * How many contents are old: the history the run was given (`result.newContents` is what
   * follows). A rewrite of the user turn a given history ended with keeps it old.
   */
  get inputLength(): number {
    return this.givenLength;
  }

  /**
   * The input the `checkInput` hooks check: the contents after the history the run was given,
   * or, for a run given its input as a history (what the OpenAI-compatible door passes), the
   * user turn that history ends with, and what a plugin added after it.
   */
  newInput(): Content[] {
    return this.contents.slice(this.inputStart);
  }

  /** Replaces the checked input in the history (an input check's rewrite, before anything followed it). */
  replaceInput(contents: readonly Content[]): void {
    const before = this.contents.length;
    this.contents.splice(this.inputStart, before - this.inputStart, ...contents);
    // The rewritten turn was the caller's (the end of the history it gave): it stays old, and
    // `newContents` is still only what the run added.
    if (this.inputStart < this.givenLength) this.givenLength += this.contents.length - before;
  }

  /** The history the next request sends: the compacted prefix (if any) and what came after it. */
  sendContents(): Content[] {
    if (this.compacted === undefined) return this.contents;
    return [...this.compacted, ...this.contents.slice(this.compactedThrough)];
  }

  /** Sends `compacted` in place of every content so far from now on. */
  setCompacted(compacted: readonly Content[], report: CompactionReport): void {
    this.compacted = compacted;
    this.compactedThrough = this.contents.length;
    this.compactions.push(report);
  }

  /** Where compaction stands, for {@link restoreCompaction}. */
  compactionMark(): { compacted: readonly Content[] | undefined; through: number; count: number } {
    return {
      compacted: this.compacted,
      through: this.compactedThrough,
      count: this.compactions.length,
    };
  }

  /**
   * Forgets the compactions since `mark`: a step whose contents were replaced after it compacted
   * them (an input guardrail's rewrite beside the first call) compacts again from the new ones,
   * instead of sending the compacted old ones.
   */
  restoreCompaction(mark: ReturnType<RunTracker['compactionMark']>): void {
    this.compacted = mark.compacted;
    this.compactedThrough = mark.through;
    this.compactions.length = mark.count;
  }

  /**
   * Counts one model call (or a tool's): its tokens and what they cost, priced already or, a
   * model step's, when the run's total is first read (by `property`, its config's: see
   * `stepCostProperty`).
   */
  addUsage(
    usage: AgentUsage,
    cost: PricedCost | AgentStep,
    property?: StepCostProperty | undefined,
  ): void {
    addAgentUsage(this.usage, usage);
    if (property !== undefined) this.cost.addLater(cost, property.price as PriceLater);
    else this.cost.addPriced(cost as PricedCost);
    // As it is counted, not when the run ends: a child aborted or timed out never ends normally,
    // and its caller reads what it had spent when the call ended (the meter's tallies are these).
    if (this.spend !== undefined) this.spend.counted = true;
  }

  /**
   * The history, new contents, steps and usage, for the result or an error; `cost` the total so
   * far, or (`priceNow` false: the result, see {@link defineCost}) left for the caller to define.
   */
  state(priceNow = true): AgentRunState {
    const state: AgentRunState = {
      contents: this.contents,
      newContents: this.contents.slice(this.inputLength),
      steps: this.steps,
      usage: { ...this.usage },
      cost: priceNow ? this.cost.total : (undefined as unknown as Cost),
    };
    if (this.steering !== undefined) state.steering = this.steering;
    if (this.compactions.length > 0) {
      state.compaction = { sentContents: this.sendContents(), reports: this.compactions };
    }
    return state;
  }

  /**
   * Gives the run's result its `cost`, the run's total: summed when first read, where the total
   * still waits on model steps priced on read (`CostTotal.addLater`), then put on the result as a
   * plain data property in the same key position; otherwise the total now. A child run's total is
   * its call's meter, which nothing adds to once the run has ended (a durable runner adds to its
   * own meter only for a child that failed, which has no result): read later, it is the total at
   * the end; the call that started the child adds the meter to its parent's totals, priced when
   * they are read (helper subagent49). A frozen result prices on each read (the same figure).
   * Called before the result has a `cost` key: an accessor put over a data property would leave
   * the result a dictionary.
   */
  defineCost(result: { cost: Cost }): void {
    const total = this.cost;
    if (!total.waits) {
      result.cost = total.total;
      return;
    }
    defineTotalOnRead(result, total, 'result');
  }
}

/**
 * Where the checked input starts: `inputLength` when the run has new contents, else (its input
 * was a history to continue) the first of the user turns the history ends with, for those are
 * what the model is asked to answer now. A function response is no user's words: a history that
 * ends with one (a resumed approval) has nothing to check, as before. Before: such a run showed
 * its input guardrails `{ text: '', contents: [] }`, and a rewrite was appended as a turn of its
 * own after the one it was meant to replace (attack59c).
 */
function checkedInputStart(contents: readonly Content[], inputLength: number): number {
  if (contents.length > inputLength) return inputLength;
  let start = inputLength;
  while (start > 0 && isUserWords(contents[start - 1])) start--;
  return start;
}

function isUserWords(content: Content | undefined): boolean {
  return (
    content?.role === 'user' &&
    !(content.parts ?? []).some((part) => part.functionResponse !== undefined)
  );
}
