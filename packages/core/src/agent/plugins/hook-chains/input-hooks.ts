import type { AgentStep } from '../../../run/agent-result.ts';
import { followSignal } from '../../../shared/on-abort.ts';
import type { Content } from '../../../wire/content.ts';
import { AgentAbortedError } from '../../errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import type { AgentPlugin, InputDraft, PluginRun } from '../agent-plugin.ts';
import { isContentList } from '../plugin-results.ts';
import { AnswerHooks } from './answer-hooks.ts';
import { contentsOf, inputVerdictOf } from './hook-result-fields.ts';
import { UNREADABLE_RESULT } from './tool-hook-results.ts';

/** The input's checks (`checkInput`), a verdict still to come (`{ beside }`) included. @internal */
export class InputHooks extends AnswerHooks {
  /** Verdicts no call ran beside: a trip ends the run, a rewrite goes in the history. */
  protected async settledBeside(
    verdicts: readonly BesideVerdict[],
    stepNumber: number,
  ): Promise<void> {
    const rewrites = await Promise.all(
      verdicts.map(({ index, verdict }) => this.besideVerdict(index, verdict, stepNumber)),
    );
    const rewrite = rewrites.filter((it) => it !== undefined).at(-1);
    if (rewrite !== undefined) this.facts.tracker.replaceInput(rewrite);
  }

  /**
   * The run's new input through the `checkInput` hooks (`source: 'input'`), its rewrite put in
   * the history: the verdicts still to come (`beside`), `undefined` when none is.
   */
  protected async checkRunInput(
    stepNumber: number,
  ): Promise<{ beside: BesideVerdict[] | undefined; rewritten: boolean }> {
    const { tracker } = this.facts;
    const checked = await this.checkInput({
      stepNumber,
      source: 'input',
      contents: tracker.newInput(),
    });
    if (checked.rewritten) {
      tracker.replaceInput(checked.contents);
      // A compaction this step made of the old input is not sent (a run starts uncompacted).
      tracker.restoreCompaction(UNCOMPACTED as never);
    }
    // Contents a plugin adds from here on (a steer in a wrapper, a tool's) meet the checks alone.
    tracker.inputChecked = true;
    return {
      beside: checked.beside.length === 0 ? undefined : checked.beside,
      rewritten: checked.rewritten,
    };
  }

  /**
   * Contents a plugin adds (`run.addInput`) through the `checkInput` hooks (`source: 'added'`),
   * every verdict awaited (no call to run beside): what joins the history, or `undefined` when
   * the run was aborted during a check (nothing joins).
   * @throws the `GuardrailTrippedError` of a check that tripped (nothing joins).
   */
  async checkedInput(
    added: readonly Content[],
    stepNumber: number,
  ): Promise<readonly Content[] | undefined> {
    try {
      const checked = await this.checkInput({ stepNumber, source: 'added', contents: added });
      const rewrites = await Promise.all(
        checked.beside.map(({ index, verdict }) => this.besideVerdict(index, verdict, stepNumber)),
      );
      return rewrites.filter((rewrite) => rewrite !== undefined).at(-1) ?? checked.contents;
    } catch (error) {
      if (AgentAbortedError.isInstance(error) && this.facts.signal.aborted) return undefined;
      throw error;
    }
  }

  /**
   * Every `checkInput` in order, each on what the one before left: the contents, whether one
   * rewrote them, and the verdicts still to come (`beside`). A `recorded` check's verdict is
   * awaited inside its recorded step (its result is data), so it does not run beside the call.
   */
  protected async checkInput(
    draft: InputDraft,
  ): Promise<{ contents: readonly Content[]; rewritten: boolean; beside: BesideVerdict[] }> {
    let current = draft;
    let rewritten = false;
    const beside: BesideVerdict[] = [];
    try {
      for (const index of this.hooks.checkInput ?? []) {
        const plugin = this.plugins[index] as AgentPlugin;
        const recorded = this.facts.record !== undefined && plugin.recorded?.includes('checkInput');
        const check = () =>
          (plugin.checkInput as NonNullable<AgentPlugin['checkInput']>)(
            current,
            this.views[index] as PluginRun,
          );
        // Not recorded: the hook's own value, read by `call` alone (an async body here resolved
        // its promise with it, reading its `then` again: misc64). Recorded: its verdict beside
        // is awaited inside the record, whose result is data.
        const { value: checked } = await this.call(
          index,
          'checkInput',
          draft.stepNumber,
          recorded !== true
            ? check
            : async () => {
                const result = await check();
                // Read once, guarded, as below: the record keeps the verdict, not the object.
                let verdict: ReturnType<typeof inputVerdictOf>;
                try {
                  verdict = inputVerdictOf(result);
                } catch {
                  throw new TypeError(UNREADABLE_RESULT);
                }
                if (verdict.beside === undefined) return result;
                return (await verdict.beside) ?? undefined;
              },
        );
        if (checked === undefined || checked === null) continue;
        // Its fields read once, guarded: a getter's throw is the plugin's unreadable result, and
        // `beside` and `contents` are what the checks saw.
        const verdict = this.returned(index, 'checkInput', checked, inputVerdictOf);
        if (verdict.beside !== undefined) {
          beside.push({ index, verdict: verdict.beside });
          // What the check rewrote before it left the rest to come beside the call.
          if (verdict.contents === undefined) continue;
        }
        const contents = this.rewriteOf(index, checked, verdict.contents);
        current = { ...current, contents };
        rewritten = true;
      }
    } catch (error) {
      // The run ends here: the verdicts already running are not waited for.
      for (const { verdict } of beside) verdict.catch(() => {});
      throw error;
    }
    return { contents: current.contents, rewritten, beside };
  }

  /**
   * The contents of a `checkInput` rewrite, checked: a non-empty list of user contents.
   * `contents`: the rewrite's field, read once (`inputVerdictOf`).
   */
  protected rewriteOf(index: number, checked: unknown, contents: unknown): readonly Content[] {
    if (!isContentList(contents) || typeof checked !== 'object')
      throw this.invalid(
        index,
        'checkInput',
        'it returned something that is neither { contents } (a non-empty list of user contents) nor { beside: Promise }',
      );
    return contents;
  }

  /** A verdict that came `beside` the call: the rewrite it made (checked), or `undefined`. */
  protected async besideVerdict(
    index: number,
    verdict: Promise<unknown>,
    stepNumber: number,
  ): Promise<readonly Content[] | undefined> {
    const { value: settled } = await this.call(index, 'checkInput', stepNumber, () => verdict);
    if (settled === undefined || settled === null) return undefined;
    const contents = this.returned(index, 'checkInput', settled, contentsOf);
    return this.rewriteOf(index, settled, contents);
  }

  /**
   * The step's first call beside the input verdicts still to come: its signal follows the run's
   * and aborts the moment one trips; the step is returned only once they all passed (so no tool
   * of it starts before). A trip ends the run (a stream's shown text retracted); a rewrite puts
   * the new input in the history and sends the call again (`resend`) from it, without the
   * compaction the first call's step made of the old input (a run starts uncompacted). The
   * dropped call's usage stays counted (the run's and the tree's, as every call's is).
   */
  protected async callBeside(
    verdicts: readonly BesideVerdict[],
    send: (signal: AbortSignal) => Promise<AgentStep>,
    resend: () => Promise<AgentStep>,
    stepNumber: number,
  ): Promise<AgentStep> {
    const { tracker } = this.facts;
    const controller = new AbortController();
    const unfollow = followSignal(this.facts.signal, controller);
    const checking = Promise.all(
      verdicts.map(({ index, verdict }) =>
        this.besideVerdict(index, verdict, stepNumber).catch((error: unknown) => {
          controller.abort(new Error('an input check beside the call stopped the run'));
          throw error;
        }),
      ),
    ).then(
      (rewrites) => ({
        ok: true as const,
        rewrite: rewrites.filter((it) => it !== undefined).at(-1),
      }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const calling = send(controller.signal).then(
      (step) => ({ ok: true as const, step }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    try {
      const checked = await checking;
      const called = await calling;
      if (!checked.ok) {
        // A trip wins over what the aborted call failed with; the text it showed is withdrawn.
        if (GuardrailTrippedError.isInstance(checked.error) && this.facts.streaming)
          this.retract(stepNumber, checked.error.guardrailName, '');
        throw checked.error;
      }
      if (checked.rewrite !== undefined) {
        tracker.replaceInput(checked.rewrite);
        tracker.restoreCompaction(UNCOMPACTED as never);
        return await resend();
      }
      if (!called.ok) throw called.error;
      return called.step;
    } finally {
      unfollow();
    }
  }
}

/** Where compaction stands when a run starts (`RunTracker.compactionMark`): none. */
const UNCOMPACTED = { compacted: undefined, through: 0, count: 0 };

/**
 * An input verdict still to come (`checkInput`'s `{ beside }`), with its plugin's place: what the
 * plugin's promise settles to is checked when it does (a rewrite, or nothing).
 */
export type BesideVerdict = {
  readonly index: number;
  readonly verdict: Promise<unknown>;
};
