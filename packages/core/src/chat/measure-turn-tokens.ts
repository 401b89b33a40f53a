import { estimateContentTokens } from '../history/estimate-tokens.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { Content } from '../wire/content.ts';

/**
 * The tokens a send's new contents add to the next prompt, from the run's own usage when the API
 * reported it. The system instruction, tools and earlier history are in every prompt of the run,
 * so they cancel out of
 *
 *   last step's promptTokenCount + its candidatesTokenCount − first step's promptTokenCount
 *
 * which leaves what the run added after its first request. The user's message (inside the first
 * prompt, so cancelled too) and the function responses answered after the last model call (in no
 * prompt yet) are estimated and added. Falls back to the estimate of every new content when the
 * usage is missing or implausible (a gateway that reports none, a blocked prompt).
 * @internal
 */
export function measureTurnTokens(result: AgentResult<unknown>): number {
  const { newContents } = result;
  const estimate = (): number => estimateContentTokens(newContents);
  let first: AgentResult<unknown>['steps'][number] | undefined;
  let last: AgentResult<unknown>['steps'][number] | undefined;
  for (const step of result.steps) {
    if (step.kind === 'resume') continue;
    first ??= step;
    last = step;
  }
  if (first === undefined || last === undefined) return estimate();
  const firstPrompt = first.usage.promptTokenCount;
  const lastPrompt = last.usage.promptTokenCount;
  if (firstPrompt <= 0 || lastPrompt < firstPrompt) return estimate();
  const message = newContents[0];
  let measured =
    lastPrompt +
    (last.appended ? last.usage.candidatesTokenCount : 0) -
    firstPrompt +
    (message === undefined ? 0 : estimateContentTokens([message]));
  if (last.appended) measured += estimateContentTokens(contentsAfterLastModelTurn(newContents));
  return measured > 0 ? measured : estimate();
}

/** The contents after the last model content: the responses to its calls, if it made any. */
function contentsAfterLastModelTurn(contents: readonly Content[]): readonly Content[] {
  for (let index = contents.length - 1; index >= 0; index--) {
    if (contents[index]?.role === 'model') return contents.slice(index + 1);
  }
  return [];
}
