import { AgUiRequestError } from './ag-ui-request-error.ts';
import {
  createStateTracker,
  MAX_STATE_DEPTH,
  type StateTracker,
  stateShapeProblem,
} from './ag-ui-state.ts';
import type { AgUiStateSettings } from './check-ag-ui-options.ts';
import type { Thread } from './thread-index.ts';

/**
 * A run's state tracker, from the client's state (when the door accepts it) or the thread's;
 * `undefined` for a door without a shared state. A client's state too deep or too long is a 400
 * `invalid_input` ({@link AgUiRequestError}). @internal
 */
export function startRunState(options: {
  thread: Thread;
  clientState: unknown;
  shared: AgUiStateSettings | undefined;
  onError: (error: unknown) => void;
}): StateTracker | undefined {
  const { thread, clientState, shared, onError } = options;
  if (shared === undefined) return undefined;
  let state = thread.state ?? shared.initial;
  if (shared.acceptClientState && clientState !== undefined && clientState !== null) {
    // Shape first: a deep enough state overflows JSON.stringify's recursion.
    const problem = stateShapeProblem(clientState, MAX_STATE_DEPTH);
    if (problem !== undefined) throw invalidState(`state ${problem}.`);
    const text = JSON.stringify(clientState);
    if (text.length > shared.maxStateChars) {
      throw invalidState(
        `state is ${text.length} JSON characters, over the server's ${shared.maxStateChars}.`,
      );
    }
    state = clientState;
  }
  return createStateTracker({
    state,
    reduce: shared.reduce,
    maxStateChars: shared.maxStateChars,
    onError,
  });
}

function invalidState(message: string): AgUiRequestError {
  return new AgUiRequestError({ status: 400, errorCode: 'invalid_input', message });
}
