import type {
  ArgumentRedactor,
  createArgumentRedactor,
} from '../../tools/define/argument-redactor.ts';
import type { AnyTool } from '../../tools/tool.ts';

/**
 * The redactor of what a run's observers see (issue 52) when a plugin may hand the run to another
 * agent: the secret arguments of the agent that starts the run and, once a hand-off gave the run
 * to another agent, of that one too (the observation is started once and goes on; the history
 * then holds both agents' calls). The take-over widens it (`widenRedactor`), so no registry needs
 * to know in advance which agents a run may reach. @internal
 */
export type RunArgumentRedactor = ArgumentRedactor & {
  /** The tools whose secret arguments are redacted. */
  readonly tools: AnyTool[];
  inner: ArgumentRedactor | undefined;
  /**
   * `createArgumentRedactor`, handed in by the loop: this code comes with the seam's engine, and
   * importing it here would split it into a chunk of its own in every app's bundle.
   */
  readonly create: typeof createArgumentRedactor;
};

/** A run's widening redactor, from the starting agent's tools and redactor. @internal */
export function runArgumentRedactor(
  tools: Iterable<AnyTool>,
  inner: ArgumentRedactor | undefined,
  create: typeof createArgumentRedactor,
): RunArgumentRedactor {
  const redactor: RunArgumentRedactor = {
    tools: [...tools],
    inner,
    create,
    args: (name, args) => redactor.inner?.args(name, args) ?? args,
    contents: (contents) => redactor.inner?.contents(contents) ?? contents,
    parts: (parts) => redactor.inner?.parts(parts) ?? parts,
    response: (response) => redactor.inner?.response(response) ?? response,
  };
  return redactor;
}

/** Adds the secret arguments of `tools` (a receiving agent's) to what `redactor` redacts. @internal */
export function widenRedactor(redactor: RunArgumentRedactor, tools: Iterable<AnyTool>): void {
  const added = [...tools].filter((tool) => !redactor.tools.includes(tool));
  if (added.length === 0) return;
  redactor.tools.push(...added);
  redactor.inner = redactor.create(redactor.tools);
}
