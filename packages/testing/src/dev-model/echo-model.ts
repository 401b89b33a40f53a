import { cutText } from '@gemloop/core/internal';
import { turn } from '../script/fake-turn.ts';
import type { FakeScriptFunction } from '../script/fake-types.ts';

/** The `modelVersion` the echo model answers with. */
export const ECHO_MODEL_VERSION = 'gemloop-echo-model';

/** How much of the user's text the echo model repeats. */
const MAX_ECHO_CHARS = 2000;

/**
 * A script that repeats the last user text (`You said: ...`), never calls a tool, and says so
 * when the request carries function responses: for checking that an app's wiring reaches the
 * model and back, with answers easy to assert on.
 *
 * @example
 * ```ts
 * const fake = createFakeGemini({ script: echoModel() });
 * ```
 */
export function echoModel(): FakeScriptFunction {
  return (_request, context) => {
    const options = { modelVersion: ECHO_MODEL_VERSION };
    if (context.functionResponses.length > 0) {
      const names = context.functionResponses.map((response) => response.name).join(', ');
      return turn.text(`Got the results of: ${names}.`, options);
    }
    const text = cutText(context.lastUserText ?? '', MAX_ECHO_CHARS);
    return turn.text(`You said: ${text}`, options);
  };
}
