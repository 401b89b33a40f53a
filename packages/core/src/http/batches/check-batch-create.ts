import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { toModelPath } from '../options/to-model-path.ts';

/**
 * The checks a batch's create request gets, shared with the embedding batches: an object of known
 * fields, a model, either `requests` (non-empty) or `fileName`, `input` and `displayName` valid.
 * @internal
 */
export function checkBatchCreate<
  T extends {
    model: string;
    requests?: readonly unknown[] | undefined;
    fileName?: string | undefined;
    input?: string | undefined;
    displayName?: string | undefined;
  },
>(
  request: T,
  options: { method: string; keys: ReadonlySet<string>; example: string; items: string },
): T & { model: string } {
  const { method, keys, example, items } = options;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: `${method} takes ${example} or { model, fileName }.`,
    });
  }
  for (const key in request) {
    if (!keys.has(key)) {
      throw new InvalidArgumentError({
        argument: `request.${key}`,
        message: `Unknown ${method} field '${key}'; the fields are ${[...keys].join(', ')}.`,
      });
    }
  }
  const model = toModelPath(request.model, 'request.model');
  const hasRequests = request.requests !== undefined;
  if (hasRequests === (request.fileName !== undefined)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message: `${method} takes either requests (inline, or uploaded for you) or fileName (an uploaded JSONL file), not both or neither.`,
    });
  }
  if (hasRequests && (!Array.isArray(request.requests) || request.requests.length === 0)) {
    throw new InvalidArgumentError({
      argument: 'request.requests',
      message: `request.requests must be a non-empty array of ${items}.`,
    });
  }
  if (request.input !== undefined && !['auto', 'inline', 'file'].includes(request.input)) {
    throw new InvalidArgumentError({
      argument: 'request.input',
      message: "request.input must be 'auto', 'inline' or 'file'.",
    });
  }
  if (
    request.displayName !== undefined &&
    (typeof request.displayName !== 'string' || request.displayName.length > 512)
  ) {
    throw new InvalidArgumentError({
      argument: 'request.displayName',
      message: 'request.displayName must be a string of at most 512 characters.',
    });
  }
  return { ...request, model };
}
