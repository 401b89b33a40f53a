import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeName } from '../../shared/describe-name.ts';
import type { BatchJob, ListBatchesResponse } from '../../wire/batch.ts';
import { checkNextPageToken } from '../attempts/check-next-page-token.ts';
import type { CheckContext } from '../attempts/check-responses.ts';
import { invalidResponse } from '../attempts/read-json-response.ts';
import {
  hasSnakeTwin,
  isSnakeCasePage,
  type ReadCheck,
  readingSnakeCase,
} from '../attempts/read-snake-case.ts';

const BATCH_NAME = /^batches\/[A-Za-z0-9_-]{1,128}$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** `batches/abc` as is, a bare `abc` prefixed; anything else refused. @internal */
export function toBatchPath(name: unknown, argument = 'name'): string {
  if (typeof name === 'string') {
    if (BATCH_NAME.test(name)) return name;
    if (BATCH_ID.test(name)) return `batches/${name}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a batch name such as 'batches/abc123' (the name batches.create returned); got ${describeName(name)}.`,
  });
}

/** Checks a batch operation: an object with a `name`. @internal */
export function checkJob(value: unknown, context: CheckContext): BatchJob {
  if (!isObject(value) || typeof value['name'] !== 'string') {
    throw invalidResponse(context, 'returned a body that is not a batch operation with a `name`');
  }
  return value as BatchJob;
}

/**
 * Whether a batch operation is spelt in snake_case: its metadata's times, stats and output, or
 * its result's `inlined_responses` / `responses_file` (the operation's own fields are one word).
 */
function isSnakeCaseJob(value: unknown): boolean {
  if (!isObject(value)) return false;
  const metadata = value['metadata'];
  const output = value['response'] ?? (isObject(metadata) ? metadata['output'] : undefined);
  return (
    hasSnakeTwin(metadata, ['createTime', 'updateTime', 'batchStats', 'displayName']) ||
    hasSnakeTwin(output, ['inlinedResponses', 'responsesFile'])
  );
}

/**
 * {@link checkJob}, reading a snake_case gateway's batch (`create_time`, `inlined_responses`,
 * `responses_file`) in camelCase; a call's `args` and an item's `metadata` kept. @internal
 */
export const readJob: ReadCheck<BatchJob> = readingSnakeCase(checkJob, isSnakeCaseJob);

/** {@link checkJobList}, reading a snake_case page in camelCase. @internal */
export const readJobList: ReadCheck<ListBatchesResponse> = readingSnakeCase(checkJobList, (page) =>
  isSnakeCasePage(page, 'operations', isSnakeCaseJob),
);

/** Checks a `batches.list` page: `operations` (or `batches`) a list of named jobs. @internal */
export function checkJobList(value: unknown, context: CheckContext): ListBatchesResponse {
  if (!isObject(value)) throw invalidResponse(context, 'returned a body that is not an object');
  const list = value['operations'] ?? value['batches'];
  if (list === undefined || list === null) value['operations'] = [];
  else if (
    !Array.isArray(list) ||
    !list.every((item) => isObject(item) && typeof item['name'] === 'string')
  ) {
    throw invalidResponse(context, '`operations` is not an array of batches with a `name`');
  } else value['operations'] = list;
  checkNextPageToken(value, context);
  return value as ListBatchesResponse;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
