import type { AgentStep } from '../../../run/agent-result.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import type { AgentPlugin, AnswerDraft, PluginRun, StepOutcome } from '../agent-plugin.ts';
import { checkHandOff, finishReason, isContentList, isFinish } from '../plugin-results.ts';
import { answerChangeOf, answerHandOffOf, answerOutcomeOf } from './hook-result-fields.ts';
import { ToolHooks } from './tool-hooks.ts';

/** The answer's hooks (`checkAnswer`, `afterAnswer`). @internal */
export class AnswerHooks extends ToolHooks {
  /**
   * The answer through every `checkAnswer` (in order, each on the text the one before left):
   * what the caller gets and the last plugin that rewrote it; `undefined` when none did.
   */
  async checkAnswer(
    answer: AnswerDraft,
  ): Promise<{ plugin: string; text: string; output: unknown } | undefined> {
    let current = answer;
    let by: string | undefined;
    for (const index of this.hooks.checkAnswer ?? []) {
      const plugin = this.plugins[index] as AgentPlugin;
      const { value: change } = await this.call(index, 'checkAnswer', answer.step.stepNumber, () =>
        (plugin.checkAnswer as NonNullable<AgentPlugin['checkAnswer']>)(
          current,
          this.views[index] as PluginRun,
        ),
      );
      if (change === undefined || change === null) continue;
      // Its fields read once, guarded: a getter's throw is the plugin's unreadable result.
      const {
        text,
        by: named,
        output,
        hasOutput,
      } = this.returned(index, 'checkAnswer', change, answerChangeOf);
      if (typeof text !== 'string')
        throw this.invalid(
          index,
          'checkAnswer',
          'it returned something that is not { text, output? } (to stop the run, run.trip)',
        );
      if (named !== undefined && (typeof named !== 'string' || named === '' || named.length > 100))
        throw this.invalid(
          index,
          'checkAnswer',
          "its rewrite's by must be a non-empty string of at most 100 characters",
        );
      current = { ...current, text, output: hasOutput ? output : current.output };
      by = named ?? plugin.name;
    }
    return by === undefined
      ? undefined
      : { plugin: by, text: current.text, output: current.output };
  }

  /**
   * The run's end (`finish`, the answer's step) through the plugins' `checkAnswer`: with the text
   * and output they left. A stream that showed other text hears a `guardrail-retraction` (named
   * after the plugin that rewrote it; `''` when one tripped).
   */
  async checkedAnswer<
    Finish extends { text?: string | undefined; output?: unknown; blocked?: unknown },
  >(step: AgentStep, finish: Finish, stepsLeft: boolean): Promise<Finish> {
    const text = finish.text ?? step.text;
    let checked: Awaited<ReturnType<AnswerHooks['checkAnswer']>>;
    try {
      checked = await this.checkAnswer({
        step,
        text,
        stepsLeft,
        blocked: finish.blocked !== undefined,
        output: finish.output,
      });
    } catch (error) {
      if (GuardrailTrippedError.isInstance(error) && text !== '')
        this.retract(step.stepNumber, error.guardrailName, '');
      throw error;
    }
    if (checked === undefined) return finish;
    if (checked.text !== text) this.retract(step.stepNumber, checked.plugin, checked.text);
    return { ...finish, text: checked.text, output: checked.output };
  }

  protected retract(stepNumber: number, name: string, text: string): void {
    void this.facts.emit?.({ type: 'guardrail-retraction', stepNumber, name, text });
  }

  /** What the first `afterAnswer` that decides says (reverse order); `undefined`: finish. */
  async afterAnswer(
    answer: AnswerDraft,
  ): Promise<
    { plugin: string; outcome: StepOutcome; receivers?: AgentPlugin['receivers'] } | undefined
  > {
    const indexes = this.hooks.afterAnswer ?? [];
    // What the history held before the hooks: a run-again without contents must have added some.
    const before = this.facts.tracker.contents.length;
    for (let at = indexes.length - 1; at >= 0; at--) {
      const index = indexes[at] as number;
      const plugin = this.plugins[index] as AgentPlugin;
      const { value: outcome } = await this.call(index, 'afterAnswer', answer.step.stepNumber, () =>
        (plugin.afterAnswer as NonNullable<AgentPlugin['afterAnswer']>)(
          answer,
          this.views[index] as PluginRun,
        ),
      );
      if (outcome === undefined || outcome === null) continue;
      // Its fields read once, guarded (a getter's throw is the plugin's unreadable result), and
      // a hand-off made of them: the take-over read the plugin's object again later.
      const fields = this.returned(index, 'afterAnswer', outcome, answerOutcomeOf);
      if (isFinish(fields))
        return { plugin: plugin.name, outcome: { type: 'finish', reason: finishReason(fields) } };
      const handOff = checkHandOff(fields, true);
      if (typeof handOff === 'string') throw this.invalid(index, 'afterAnswer', handOff);
      if (handOff)
        return {
          plugin: plugin.name,
          outcome: answerHandOffOf(fields),
          receivers: plugin.receivers,
        };
      const { contents } = fields;
      if (fields.type !== 'run-again' || !isContentList(contents, true))
        throw this.invalid(
          index,
          'afterAnswer',
          'it returned something that is neither { type: "finish", reason }, { type: "run-again", contents } with user contents only, nor { type: "hand-off", to }',
        );
      // Nothing returned and nothing added (`run.addInput`): the model would answer the same
      // history again, step after step until maxSteps. (An abort during `addInput` adds nothing
      // either: the run ends at its next boundary.)
      if (
        contents.length === 0 &&
        this.facts.tracker.contents.length === before &&
        !this.facts.signal.aborted
      )
        throw this.invalid(
          index,
          'afterAnswer',
          'it returned { type: "run-again", contents: [] } but added nothing to the history, so the model would answer the same history again until maxSteps; return the user turn to answer in contents (or add it with run.addInput first), or return undefined to end the run with this answer',
        );
      return { plugin: plugin.name, outcome: { type: 'run-again', contents } };
    }
    return undefined;
  }
}
