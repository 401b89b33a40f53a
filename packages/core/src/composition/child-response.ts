import type { AgentFinishReason, AgentResult } from '../run/agent-result.ts';

/**
 * What the parent model sees of a child's result, as a `functionResponse.response` object.
 *
 * A child that answered (`finishReason: 'stop'`) gives `shaped.value` (what the caller's
 * `output(result)` gave, awaited), else its structured
 * output, else `{ answer: text }`. A child that ended without a final answer (its `maxSteps`, a
 * `stopWhen` condition, the output token limit, a blocked prompt or answer, a cut stream, another
 * finish reason) is not an empty answer: the response says so with `finished: false`, `reason`
 * (the child's `finishReason`) and `message` (why, in words the model can act on), beside what
 * the child did produce (`answer`: its partial text, `output`: a structured output, or whatever
 * `output(result)` returns). It is not an `error` key: the child ran and may have done part of
 * the work, and the parent model decides what to do with it. @internal
 */
export function childResponse<Output>(
  shaped: { value: unknown } | undefined,
  result: AgentResult<Output>,
): Record<string, unknown> {
  if (result.finishReason === 'stop') {
    return asObject(
      shaped !== undefined
        ? shaped.value
        : result.output !== undefined
          ? result.output
          : { answer: result.text },
    );
  }
  const produced =
    shaped !== undefined
      ? asObject(shaped.value)
      : {
          ...(result.output === undefined ? {} : { output: result.output }),
          ...(result.text === '' ? {} : { answer: result.text }),
        };
  return {
    ...produced,
    finished: false,
    reason: result.finishReason,
    // "answer holds ..." only where the response has the child's text as `answer`.
    message: unfinishedMessage(result, shaped === undefined && result.text !== ''),
  };
}

/** Why a child ended without a final answer, for the parent model. */
function unfinishedMessage(result: AgentResult<unknown>, withAnswer: boolean): string {
  const reason: Exclude<AgentFinishReason, 'stop'> = result.finishReason as Exclude<
    AgentFinishReason,
    'stop'
  >;
  const calls = `${result.steps.length} model call${result.steps.length === 1 ? '' : 's'}`;
  const partial = withAnswer ? '; answer holds what it wrote' : '';
  switch (reason) {
    case 'max-steps':
      return `The subagent did not finish: it reached its step limit (maxSteps) after ${calls}, before it gave a final answer${partial}.`;
    case 'stop-condition':
      return `The subagent did not finish: a stop condition (stopWhen) ended it after ${calls}, before it gave a final answer${partial}.`;
    case 'max-tokens':
      return `The subagent did not finish: its answer was cut at the output token limit (maxOutputTokens)${partial}.`;
    case 'content-filter': {
      const blocked = result.blocked;
      const what = blocked?.source === 'prompt' ? 'its prompt' : 'its answer';
      const detail = blocked === undefined ? '' : ` (${blocked.reason}${suffix(blocked.message)})`;
      return `The subagent did not finish: ${what} was blocked by the content filter${detail}${partial}.`;
    }
    case 'plugin':
      return `The subagent did not finish: its plugin "${result.stoppedBy?.plugin ?? 'unknown'}" ended it after ${calls} (${result.stoppedBy?.reason ?? 'no reason given'})${partial}.`;
    case 'interrupted':
      return `The subagent did not finish: its streamed answer ended before the model finished it${partial}.`;
    case 'other':
      return `The subagent did not finish: the model stopped without a final answer (finishReason ${result.rawFinishReason ?? 'unknown'}${suffix(result.finishMessage)})${partial}.`;
  }
}

function suffix(message: string | undefined): string {
  return message === undefined || message === '' ? '' : `: ${message}`;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { output: value };
}
