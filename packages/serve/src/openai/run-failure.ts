import { toBrowserError } from '@gemloop/core/internal';
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
