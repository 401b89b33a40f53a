import type { GenerateContentRequest } from './request.ts';
import type { GenerateContentResponse } from './response.ts';

/**
 * The state of a batch job. Open: unknown values are kept. The Gemini API spells them
 * `BATCH_STATE_*` (ai.google.dev/api/batch-mode#BatchState); `@google/genai` 3.1.0 maps them to
 * `JOB_STATE_*`, and `@ai-sdk/google` 4.0.121 (`google-batch.ts`, `mapGoogleBatchStatus`) accepts
 * both prefixes. Hand-written from those sources, not from a recording.
 */
export type BatchState =
  | 'BATCH_STATE_UNSPECIFIED'
  | 'BATCH_STATE_PENDING'
  | 'BATCH_STATE_RUNNING'
  | 'BATCH_STATE_SUCCEEDED'
  | 'BATCH_STATE_FAILED'
  | 'BATCH_STATE_CANCELLED'
  | 'BATCH_STATE_EXPIRED'
  | (string & {});

/** A google.rpc.Status, as a batch line's or a job's error. */
export type RpcStatus = {
  code?: number | undefined;
  message?: string | undefined;
  status?: string | undefined;
  details?: unknown[] | undefined;
};

/** One request of an inline batch: the request without `model`, and its key. */
export type InlinedBatchRequest = {
  request: Omit<GenerateContentRequest, 'model'>;
  metadata?: { key?: string | undefined } | undefined;
};

/** One answer of an inline batch: a response or an error, and the request's key. */
export type InlinedBatchResponse = {
  response?: GenerateContentResponse | undefined;
  error?: RpcStatus | undefined;
  metadata?: { key?: string | undefined } | undefined;
};

/** Where a finished batch's answers are: inline, or in a JSONL file (`files/{id}`). */
export type BatchOutput = {
  responsesFile?: string | undefined;
  inlinedResponses?: { inlinedResponses?: InlinedBatchResponse[] | undefined } | undefined;
};

/**
 * A batch job as the API returns it: a long-running operation named `batches/{id}` whose
 * `metadata` is the `GenerateContentBatch` (state, stats, output). Shape: ai.google.dev/api/
 * batch-mode (`models.batchGenerateContent` returns an Operation) and `@ai-sdk/google` 4.0.121's
 * `googleBatchOperationSchema`, which reads the output from `metadata.output` or `response`.
 * Hand-written from those sources, not from a recording.
 */
export type BatchJob = {
  /** `batches/{id}`. */
  name: string;
  done?: boolean | undefined;
  error?: RpcStatus | undefined;
  metadata?:
    | {
        '@type'?: string | undefined;
        model?: string | undefined;
        displayName?: string | undefined;
        state?: BatchState | undefined;
        createTime?: string | undefined;
        updateTime?: string | undefined;
        endTime?: string | undefined;
        batchStats?:
          | {
              requestCount?: string | number | undefined;
              successfulRequestCount?: string | number | undefined;
              failedRequestCount?: string | number | undefined;
              pendingRequestCount?: string | number | undefined;
            }
          | undefined;
        output?: BatchOutput | undefined;
      }
    | undefined;
  response?: (BatchOutput & { '@type'?: string | undefined }) | undefined;
};

/** A page of `batches.list`. */
export type ListBatchesResponse = {
  operations: BatchJob[];
  nextPageToken?: string | undefined;
};
