import type { Content } from '../../wire/content.ts';
import type { RunContext } from '../run-state/run-context.ts';

/**
 * `PluginRun.addInput`: user contents a plugin adds to the history (a steer, a follow-up). Once
 * the run's first model step checked its input, they are user input like the run's own and meet
 * the plugins' `checkInput` hooks first (the input guardrails' plugin among them), with the same
 * verdicts: a pass adds them, a rewrite adds the rewritten contents, a trip throws before the
 * model sees them. Before that step, its check covers them.
 *
 * @returns what joined the history; `undefined` when the run was aborted during the check.
 * @throws `GuardrailTrippedError` (`phase: 'input'`) when one blocks.
 * @internal
 */
export async function addInput(
  context: RunContext<unknown>,
  contents: readonly Content[],
  stepNumber: number,
): Promise<readonly Content[] | undefined> {
  const { run } = context;
  let added = contents;
  // The plugins' `checkInput` hooks, in registration order (a steer meets them as input does).
  const { plugins } = context;
  if (run.inputChecked && plugins?.hooks.checkInput !== undefined) {
    const checked = await plugins.checkedInput(added, stepNumber);
    if (checked === undefined) return undefined;
    added = checked;
  }
  // Added after the step's compaction (a steer at its boundary): the step's call sends them after
  // the compacted history (the hooks after it see them: RunPlugins.beforeModelCall).
  for (const content of added) run.append(content);
  return added;
}
