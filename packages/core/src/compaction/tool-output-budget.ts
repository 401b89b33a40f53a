import type { FunctionResponse } from '../wire/content.ts';
import type { ArtifactStore, ArtifactWrites } from './artifact-store.ts';
import {
  cutFunctionResponse,
  REST_NOT_KEPT,
  type ToolOutputLimit,
} from './cut-function-response.ts';

/** The result budget the agent applies to one call. @internal */
export type ToolOutputBudget = {
  limit: ToolOutputLimit;
  artifacts: ArtifactStore | undefined;
  /** Where the put is started (the caller waits for it before sending the marker). */
  writes: ArtifactWrites;
  newId: () => string;
};

/**
 * The function response cut to the budget, or the same response when it fits (see
 * {@link cutFunctionResponse}). The whole JSON goes to the artifact store when there is one, and
 * the marker names its id for `read_tool_output`.
 * @internal
 */
export function applyToolOutputBudget(
  response: FunctionResponse,
  budget: ToolOutputBudget,
): FunctionResponse {
  const { artifacts } = budget;
  return cutFunctionResponse(response, budget.limit, (json) => {
    if (artifacts === undefined) return REST_NOT_KEPT;
    const id = budget.newId();
    budget.writes.put(artifacts, id, json);
    return `call read_tool_output with id "${id}" and an offset to read the rest`;
  });
}

// Where they were before the cut moved to cut-function-response.ts (tests import them from here).
export { type ToolOutputLimit, TRUNCATED_RESULT_KEY } from './cut-function-response.ts';
