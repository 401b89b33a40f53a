import { BatchJobError } from '../../errors/files-and-batches/batch-job-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import { cutText } from '../../shared/cut-text.ts';
import { describeName } from '../../shared/describe-name.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { scrubSecrets } from '../../shared/scrub-secrets.ts';
import type { BatchJob, InlinedBatchResponse, RpcStatus } from '../../wire/batch.ts';
import { parseGenerateContentResponse } from '../../wire/parse-generate-content-response.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { pickCallOptions } from '../files/file-options.ts';
import type { Files } from '../files/files.ts';
import { toFilePath } from '../files/to-file-path.ts';
import { isObject } from './check-batch-job.ts';

/** Both spellings: the API's `BATCH_STATE_*` and `@google/genai`'s `JOB_STATE_*`. */
const SUCCEEDED = /^(?:BATCH|JOB)_STATE_SUCCEEDED$/;

/**
 * @throws {@link BatchJobError} when the job did not succeed, the server's words in it scrubbed of
 * `secrets` as an `ApiCallError`'s are (a gateway may echo the key in a job's `error`, attack31).
 * A state that is not a string is no success (a list `['BATCH_STATE_SUCCEEDED']` read as one);
 * `null` is read as absent.
 * @internal
 */
export function checkSucceeded(job: BatchJob, secrets: readonly string[]): void {
  const state: unknown = job.metadata?.state;
  const succeeded =
    state === undefined || state === null || (typeof state === 'string' && SUCCEEDED.test(state));
  if (job.error !== undefined || !succeeded) {
    throw new BatchJobError({
      batchName: redactSecrets(job.name, secrets),
      state: typeof state === 'string' ? redactSecrets(state, secrets) : describeValue(state),
      error: job.error === undefined ? undefined : scrubSecrets(job.error, secrets),
    });
  }
}

/**
 * The answers of a succeeded job, inline (`output.inlinedResponses.inlinedResponses`, for
 * embeddings too: `@google/genai` 2.32.0 `tRecvBatchJobDestination` tells them apart by their
 * `embedding`) or from its results file, each made a line by `toLine`.
 * @internal
 */
export async function readBatchOutput<L extends { error: RpcStatus | undefined }>(
  job: BatchJob,
  options: {
    /** The call, for errors: `batches.results`, `embeddingBatches.results`. */
    method: string;
    files: Files;
    maxBytes: number;
    callOptions: ReturnType<typeof pickCallOptions>;
    /** The call's secrets, kept out of each line's error (files40). */
    secrets: readonly string[];
    toLine: (key: unknown, response: unknown, error: unknown, where: string) => L;
  },
): Promise<L[]> {
  const output = job.metadata?.output ?? job.response;
  const inline = output?.inlinedResponses?.inlinedResponses;
  // A line's error is the server's words, returned as data: a gateway may echo the key in its
  // message, status or details (attack31). Scrubbed after toLine, so a message toLine wrote from
  // the response's own field names is too; the key, index and response stay as they came.
  const toLine = (key: unknown, response: unknown, error: unknown, where: string): L => {
    const line = options.toLine(key, response, error, where);
    if (line.error !== undefined) line.error = scrubSecrets(line.error, options.secrets);
    return line;
  };
  if (Array.isArray(inline)) {
    return inline.map((item: InlinedBatchResponse, index) =>
      toLine(item?.metadata?.key, item?.response, item?.error, `inlined response ${index}`),
    );
  }
  if (output?.responsesFile === undefined || output.responsesFile === null) {
    throw noOutput(job, options.method, options.secrets);
  }
  const bytes = await options.files.download(
    responsesFileOf(output.responsesFile, options.method),
    {
      ...options.callOptions,
      maxBytes: options.maxBytes,
    },
  );
  return readResultLines(new TextDecoder().decode(bytes), toLine);
}

/**
 * A succeeded job whose output holds neither an inline list nor a results file: Google's API
 * always writes one of them (ai.google.dev/api/batch-mode#GenerateContentBatchOutput, "output"
 * is a oneof), so this is a server's broken answer or a job that never ran through
 * `batches.wait`. Read as `[]` (as it was), every request's answer was silently lost (attack31).
 * The fields the job did have are named, by name only and scrubbed (a gateway writes them).
 */
function noOutput(job: BatchJob, method: string, secrets: readonly string[]): InvalidArgumentError {
  const output: unknown = job.metadata?.output ?? job.response;
  const where = job.metadata?.output !== undefined ? 'metadata.output' : 'response';
  const had = isObject(output)
    ? `its ${where} has ${fieldNames(output, secrets)}`
    : isObject(job.metadata)
      ? `its metadata has ${fieldNames(job.metadata, secrets)} and no output`
      : 'it has neither metadata nor response';
  return new InvalidArgumentError({
    argument: 'job.metadata.output',
    message: `${method}: the job reads as succeeded but holds no answers: neither output.inlinedResponses.inlinedResponses (a list) nor output.responsesFile (a file name); ${had}. Pass the job's name, or the job batches.wait returned (a job from batches.create has not run yet); if that is what you passed, the server answered what no Gemini API does: check that the baseUrl points at a Gemini-compatible API.`,
  });
}

/** At most 10 field names of a server's object, each quoted, cut and scrubbed. */
function fieldNames(value: object, secrets: readonly string[]): string {
  const names = Object.keys(value);
  if (names.length === 0) return 'no fields';
  const shown = names
    .slice(0, 10)
    .map((name) => JSON.stringify(cutText(redactSecrets(name, secrets), 60)));
  const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
  return `the fields ${shown.join(', ')}${more}`;
}

/**
 * The job's results file, checked as a name before any request: a gateway's path (`files/../x`)
 * or URL is refused as `files.download` would refuse it, but naming the field and the server, not
 * an argument `name` the caller never passed.
 */
function responsesFileOf(name: unknown, method: string): string {
  try {
    return toFilePath(name);
  } catch {
    throw new InvalidArgumentError({
      argument: 'job.metadata.output.responsesFile',
      message: `${method}: the job's responsesFile must be a file name such as 'files/abc123'; got ${describeName(name)}. The server answered what no Gemini API does: check that the baseUrl points at a Gemini-compatible API.`,
    });
  }
}

type InlinedBatchLine = {
  key: string | undefined;
  response: GenerateContentResponse | undefined;
  error: RpcStatus | undefined;
};

/**
 * The lines of a results file, leniently: a line that is not a JSON object becomes an error result
 * naming its line, so one bad line does not hide the others.
 */
function readResultLines<L>(
  text: string,
  toLine: (key: unknown, response: unknown, error: unknown, where: string) => L,
): L[] {
  const lines: L[] = [];
  let number = 0;
  for (const line of text.split('\n')) {
    number++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      lines.push(
        toLine(
          undefined,
          undefined,
          { message: `line ${number} of the results file is not a JSON object` },
          `line ${number}`,
        ),
      );
      continue;
    }
    const record = value as Record<string, unknown>;
    const key = record['key'] ?? (record['metadata'] as { key?: unknown } | undefined)?.key;
    lines.push(toLine(key, record['response'], record['error'], `line ${number}`));
  }
  return lines;
}

/**
 * One result, its response checked as a `generateContent` body is (the batch's bytes are as
 * hostile as a call's): a response that is not one becomes the line's error, so a run reading
 * `parts` never meets a string, and token counts are read into non-negative integers (`'100'`
 * summed as a string, or a negative count, would make the usage and its cost silently wrong).
 */
export function toLine(
  key: unknown,
  response: unknown,
  error: unknown,
  where: string,
): InlinedBatchLine {
  const line: InlinedBatchLine = {
    key: typeof key === 'string' ? key : undefined,
    response: undefined,
    error: isObject(error) ? (error as RpcStatus) : undefined,
  };
  if (response === undefined || response === null) return line;
  const parsed = parseGenerateContentResponse(response);
  if (parsed.ok) line.response = parsed.value;
  else if (line.error === undefined) {
    const at = parsed.path === '' ? 'the response' : `\`response.${parsed.path}\``;
    line.error = {
      message: `${where} of the batch's results is not a GenerateContentResponse: ${at} ${parsed.message}`,
    };
  }
  return line;
}
