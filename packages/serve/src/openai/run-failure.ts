import { AgentRunError } from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import { jsonResponse } from './json-response.ts';
import type { OpenAIErrorBody } from './openai-request-error.ts';

/**
 * What a caller is told of a run that failed: the fixed words a page gets for the error's code
 * (`toBrowserError` of `@gemloop/core/web`), never the error's own message, which may quote a
 * tool's failure, a gateway's address or a key (issue 52). The error itself goes to `onError`.
 * @internal
 */
export function runFailure(error: unknown): OpenAIErrorBody {
  const shown = toBrowserError(error, undefined);
  return {
    error: {
      message: shown.message,
      type: 'server_error',
      param: null,
      code: shown.code ?? 'run_failed',
    },
  };
}

/**
 * The 500 of a run that failed, with `x-should-retry: false` unless the run provably called no
 * tool (an {@link AgentRunError} whose steps called none: its first model call failed, say). The
 * official clients retry a 500 by default (openai-node and openai-python read this header first),
 * and a retry ran the whole run again: its tools' side effects (a refund, an e-mail) three times
 * in all (attack21). An error that carries no run (a store that failed after the run, a hook) may
 * come after tools ran: not retried either. @internal
 */
export function runFailureResponse(error: unknown): Response {
  return jsonResponse(
    runFailure(error),
    500,
    calledNoTool(error) ? undefined : { 'x-should-retry': 'false' },
  );
}

/** Whether the failed run is known to have called no tool (its `run`'s steps say so). */
function calledNoTool(error: unknown): boolean {
  return (
    AgentRunError.isInstance(error) && error.run.steps.every((step) => step.toolCalls.length === 0)
  );
}
