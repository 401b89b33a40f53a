/**
 * The processing state of an uploaded file. Open: unknown values are kept as they come.
 * Source: ai.google.dev/api/files#State (`STATE_UNSPECIFIED`, `PROCESSING`, `ACTIVE`, `FAILED`).
 */
export type FileState = 'STATE_UNSPECIFIED' | 'PROCESSING' | 'ACTIVE' | 'FAILED' | (string & {});

/**
 * A `files` resource of the Gemini API (`v1beta/files/{id}`): media uploaded once and referred to
 * by `uri` from a `fileData` part. Files expire 48 hours after upload.
 *
 * Shape: ai.google.dev/api/files#File, as `@google/genai` 3.1.0 (`types.File`) and
 * `@ai-sdk/google` 4.0.121 (`google-files.ts`, `googleFileResponseSchema`) read it. Hand-written
 * from those sources, not from a recording.
 */
export type GeminiFile = {
  /** `files/{id}`: what `files.get` and `files.delete` take. */
  name: string;
  displayName?: string | undefined;
  mimeType?: string | undefined;
  /** int64 as a decimal string (proto3 JSON). */
  sizeBytes?: string | undefined;
  /** RFC 3339. */
  createTime?: string | undefined;
  updateTime?: string | undefined;
  /** RFC 3339: when the API deletes the file (48 h after the upload). */
  expirationTime?: string | undefined;
  /** base64 SHA-256 of the bytes. */
  sha256Hash?: string | undefined;
  /** What a `fileData.fileUri` refers to. */
  uri?: string | undefined;
  /** A URI the bytes can be downloaded from (generated files only). */
  downloadUri?: string | undefined;
  state?: FileState | undefined;
  /** `UPLOADED` or `GENERATED`. */
  source?: string | undefined;
  /** Why processing failed (`state: 'FAILED'`): a google.rpc.Status. */
  error?: { code?: number | undefined; message?: string | undefined } | undefined;
  videoMetadata?: { videoDuration?: string | undefined } | undefined;
};

/** A page of `files.list`. */
export type ListFilesResponse = {
  files: GeminiFile[];
  nextPageToken?: string | undefined;
};
