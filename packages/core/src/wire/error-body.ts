/**
 * The error body Google APIs return: `{"error":{"code","message","status","details"}}`. On
 * `streamGenerateContent` without `alt=sse` it is wrapped in a JSON array.
 */
export type GoogleErrorBody = {
  error: {
    code?: number | undefined;
    message?: string | undefined;
    /** A `google.rpc.Code` name: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, ... */
    status?: string | undefined;
    details?: GoogleErrorDetail[] | undefined;
    [field: string]: unknown;
  };
};

/** `google.rpc.RetryInfo`: how long to wait before retrying. */
export type RetryInfo = {
  '@type': 'type.googleapis.com/google.rpc.RetryInfo';
  /** A protobuf Duration string, e.g. `"58s"` or `"34.4s"`. */
  retryDelay?: string | undefined;
};

/** `google.rpc.QuotaFailure`: which quotas were exceeded. */
export type QuotaFailure = {
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure';
  violations?:
    | {
        subject?: string | undefined;
        description?: string | undefined;
        quotaMetric?: string | undefined;
        /** e.g. `GenerateRequestsPerDayPerProjectPerModel-FreeTier` */
        quotaId?: string | undefined;
        quotaDimensions?: Record<string, string> | undefined;
        quotaValue?: string | undefined;
        [field: string]: unknown;
      }[]
    | undefined;
};

/** `google.rpc.ErrorInfo`: a machine-readable reason such as `API_KEY_INVALID`. */
export type ErrorInfo = {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
  reason?: string | undefined;
  domain?: string | undefined;
  metadata?: Record<string, string> | undefined;
};

/** `google.rpc.BadRequest`: the fields of the request that were wrong. */
export type BadRequest = {
  '@type': 'type.googleapis.com/google.rpc.BadRequest';
  fieldViolations?:
    | { field?: string | undefined; description?: string | undefined; [field: string]: unknown }[]
    | undefined;
};

/** `google.rpc.Help`: links to documentation. */
export type Help = {
  '@type': 'type.googleapis.com/google.rpc.Help';
  links?: { description?: string | undefined; url?: string | undefined }[] | undefined;
};

/** `google.rpc.LocalizedMessage`. */
export type LocalizedMessage = {
  '@type': 'type.googleapis.com/google.rpc.LocalizedMessage';
  locale?: string | undefined;
  message?: string | undefined;
};

/** `google.rpc.DebugInfo`. */
export type DebugInfo = {
  '@type': 'type.googleapis.com/google.rpc.DebugInfo';
  detail?: string | undefined;
  stackEntries?: string[] | undefined;
};

/** A detail type gemloop does not know; kept as data. */
export type UnknownErrorDetail = { '@type'?: string | undefined; [field: string]: unknown };

/** One entry of `error.details`. */
export type GoogleErrorDetail =
  | RetryInfo
  | QuotaFailure
  | ErrorInfo
  | BadRequest
  | Help
  | LocalizedMessage
  | DebugInfo
  | UnknownErrorDetail;
