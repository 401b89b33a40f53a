import {
  type ArgumentRedactor,
  createArgumentRedactor,
} from '../../tools/define/argument-redactor.ts';
import type { AnyTool } from '../../tools/tool.ts';
import type { Content, Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';

/**
 * The redactor of what a run's observers see (issue 52): the secret arguments of the agent that
 * starts the run and, once a plugin hands the run to another agent, of that one too (the
 * observation is started once and goes on after a hand-off; the history then holds both agents'
 * calls). One per observed run that may be handed off: the take-over widens it
 * (`take-over.ts`), so no registry needs to know in advance which agents a run may reach.
 * @internal
 */
export class RunArgumentRedactor implements ArgumentRedactor {
  private tools: AnyTool[];
  private inner: ArgumentRedactor | undefined;

  constructor(tools: Iterable<AnyTool>, inner: ArgumentRedactor | undefined) {
    this.tools = [...tools];
    this.inner = inner;
  }

  /** Adds the secret arguments of `tools` (the receiving agent's) to what is redacted. */
  widen(tools: Iterable<AnyTool>): void {
    const added = [...tools].filter((tool) => !this.tools.includes(tool));
    if (added.length === 0) return;
    this.tools.push(...added);
    this.inner = createArgumentRedactor(this.tools);
  }

  args<Args>(toolName: string, args: Args): Args {
    return this.inner === undefined ? args : this.inner.args(toolName, args);
  }

  contents(contents: readonly Content[]): readonly Content[] {
    return this.inner === undefined ? contents : this.inner.contents(contents);
  }

  parts(parts: readonly Part[]): readonly Part[] {
    return this.inner === undefined ? parts : this.inner.parts(parts);
  }

  response(response: GenerateContentResponse): GenerateContentResponse {
    return this.inner === undefined ? response : this.inner.response(response);
  }
}
