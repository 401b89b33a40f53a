// A plugin written outside gemloop, with public imports only (issue 53, items 1 and 3): content
// moderation as the built-in input and output guardrails do it, on the seam's public hooks.
// - `checkInput` sees the run's input (at its first model step) and every message a plugin adds
//   later (`run.addInput`: a steer), before it joins the history: it masks words (a rewrite) or
//   stops the run (`run.trip`, `phase: 'input'`). With `beside`, a slow classifier judges the
//   run's input while the first model call is already in flight (`{ beside }`): a block aborts
//   the call, and its answer is never the run's.
// - `wrapEvents` holds a stream's text (`holdText`): the reader sees an answer only once
//   `checkAnswer` passed it, or what it rewrote, never the words it masked.

import type { Content } from '@gemloop/core';
import {
  type AgentPlugin,
  definePlugin,
  type EmitRunEvent,
  type InputCheck,
  type PluginRun,
} from '@gemloop/core/plugins';

/** Options of {@link moderation}. */
export type ModerationOptions = {
  /** Input that matches stops the run before the model sees it. */
  readonly block: RegExp;
  /** Words masked (`***`) in the input and in the answer the caller gets. */
  readonly mask?: RegExp | undefined;
  /**
   * A slow check of the run's input, run beside its first model call: `'block'` stops the run
   * (the call is aborted), `'pass'` lets the call's answer stand.
   */
  readonly classify?:
    | ((text: string, signal: AbortSignal) => Promise<'block' | 'pass'>)
    | undefined;
  /** On a stream, send the answer's text only once it passed (`checkAnswer`). */
  readonly holdText?: boolean | undefined;
};

/** What the plugin keeps for a run: the stream's text it holds, by step, and where it goes. */
type HeldText = { readonly byStep: Map<number, string[]>; send?: EmitRunEvent };

function textOf(contents: readonly Content[]): string {
  return contents
    .flatMap((content) => content.parts.map((part) => ('text' in part ? (part.text ?? '') : '')))
    .join('\n');
}

function masked(contents: readonly Content[], mask: RegExp): Content[] {
  return contents.map((content) => ({
    ...content,
    parts: content.parts.map((part) =>
      'text' in part && typeof part.text === 'string'
        ? { ...part, text: part.text.replace(mask, '***') }
        : part,
    ),
  }));
}

/** Content moderation as a plugin: masks or blocks input, holds and masks the answer. */
export function moderation(options: ModerationOptions): AgentPlugin {
  const mask =
    options.mask === undefined
      ? undefined
      : new RegExp(
          options.mask.source,
          options.mask.flags.includes('g') ? options.mask.flags : `${options.mask.flags}g`,
        );
  return definePlugin<HeldText>({
    name: 'moderation',
    startRun: () => ({ byStep: new Map() }),
    checkInput(input, run): InputCheck | undefined {
      const text = textOf(input.contents);
      if (options.block.test(text))
        run.trip({
          guardrailName: 'blocked-words',
          phase: 'input',
          reason: 'the input is blocked',
        });
      const rewrite =
        mask !== undefined && new RegExp(mask.source, mask.flags.replace('g', '')).test(text)
          ? { contents: masked(input.contents, mask) }
          : undefined;
      const classify = options.classify;
      // Only the run's own input is judged beside its first call; an added message waits anyway.
      if (classify === undefined) return rewrite;
      const verdict = classify(text, run.signal).then((said) => {
        if (said === 'block')
          run.trip({
            guardrailName: 'classifier',
            phase: 'input',
            reason: 'the classifier blocked it',
          });
        return rewrite;
      });
      return { beside: verdict };
    },
    wrapEvents(emit, run): EmitRunEvent {
      if (options.holdText !== true) return emit;
      const { byStep } = run.state;
      run.state.send = emit;
      return (event) => {
        // The run's own text (a subagent's path is longer) waits for checkAnswer.
        if (event.type === 'text-delta' && event.path.length === run.path.length) {
          const texts = byStep.get(event.stepNumber) ?? [];
          texts.push(event.text);
          byStep.set(event.stepNumber, texts);
          return;
        }
        // A retraction of text the reader never saw: send what replaces it instead, once.
        if (event.type === 'guardrail-retraction' && byStep.has(event.stepNumber)) {
          byStep.delete(event.stepNumber);
          if (event.text === '') return;
          return emit({
            type: 'text-delta',
            stepNumber: event.stepNumber,
            text: event.text,
            path: event.path,
          });
        }
        // A new step: the text of the steps before it went on to calls, it is not an answer.
        if (event.type === 'step-start' && event.path.length === run.path.length) byStep.clear();
        return emit(event);
      };
    },
    checkAnswer(answer, run) {
      const rewritten = mask === undefined ? answer.text : answer.text.replace(mask, '***');
      // A rewrite: the stream hears a retraction, which the hold turns into the new text.
      if (rewritten !== answer.text) return { text: rewritten, by: 'mask-answer' };
      release(answer.step.stepNumber, run);
      return undefined;
    },
  });
}

/** The answer passed as it is: its held text goes to the reader now. */
function release(stepNumber: number, run: PluginRun<HeldText>): void {
  const { byStep, send } = run.state;
  const held = byStep.get(stepNumber);
  byStep.delete(stepNumber);
  for (const text of held ?? [])
    void send?.({ type: 'text-delta', stepNumber, text, path: run.path });
}
