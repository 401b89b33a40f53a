import type { GeminiFile, ListFilesResponse } from '../../wire/file.ts';
import type { CallOptions } from '../call-options.ts';

/**
 * What {@link Files.upload} reads: a file path (Node only, read a chunk at a time), a `Blob` (or
 * `File`), bytes, or a `ReadableStream` of bytes (read a chunk at a time; give `size` when known).
 */
export type UploadSource = string | Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

/** One step of an upload, told to `UploadFileOptions.onProgress`. */
export type UploadProgress = {
  /** Bytes the server has confirmed so far. */
  uploadedBytes: number;
  /** The whole size, when known (always, except for a stream without `size`). */
  totalBytes: number | undefined;
};

/** Options of {@link Files.upload}. */
export type UploadFileOptions = CallOptions & {
  /** The media type, e.g. `video/mp4`. Required unless the source is a `Blob` with a `type`. */
  mimeType?: string | undefined;
  /** A label of up to 512 characters. */
  displayName?: string | undefined;
  /** A stream's size in bytes, announced at start and checked at the end. */
  size?: number | undefined;
  /**
   * Bytes per upload request, rounded up to the server's granularity (`x-goog-upload-chunk-
   * granularity`, 256 KiB on Google's API). At most two chunks are held in memory.
   * @defaultValue 8388608 (8 MiB, as `@google/genai` 3.1.0's `MAX_CHUNK_SIZE`)
   */
  chunkSize?: number | undefined;
  /** Called after each chunk the server confirmed. It must not throw (what it throws is ignored). */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
};

/** Options of {@link Files.list}. */
export type ListFilesOptions = CallOptions & {
  /** Files per page (the API allows up to 100). */
  pageSize?: number | undefined;
  pageToken?: string | undefined;
};

/** Options of {@link Files.download}. */
export type DownloadFileOptions = CallOptions & {
  /**
   * The most bytes read; a longer file fails with `ResponseTooLargeError` (the rest unread).
   * @defaultValue the client's `maxResponseBytes`
   */
  maxBytes?: number | undefined;
};

/** Options of {@link Files.waitUntilActive} (and of `batches.wait`). */
export type PollOptions = CallOptions & {
  /** Time between two polls, in milliseconds. @defaultValue 2000 (files), 10000 (batches) */
  pollIntervalMs?: number | undefined;
  /**
   * The most reads before giving up with a `TimeoutError` (the file or job goes on server-side):
   * a gateway answering `PROCESSING` forever is not waited on forever.
   * @defaultValue 1000 (files, half an hour at the default interval), 20000 (batches: over the
   * 48 hours after which a job expires, at the default interval)
   */
  maxPolls?: number | undefined;
  /** Called with each resource read while waiting. It must not throw. */
  onPoll?: ((resource: unknown) => void) | undefined;
};

/**
 * The `files` resource of Google's Gemini API (the Files API): media too large to send inline is
 * uploaded once with the resumable protocol, then referred to by a `fileData` part. Files expire
 * 48 hours after upload. Same retries, time limits, errors, logging and redaction as the model
 * calls; Vertex AI and gateways that do not serve it get `UnsupportedEndpointError` (send the bytes
 * inline, `inlineData`, where they fit). Made by `createFiles(gemini)` (`@gemloop/core/http`).
 *
 * @example
 * ```ts
 * const files = createFiles(gemini);
 * const file = await files.upload('./talk.mp4', { mimeType: 'video/mp4' });
 * const active = await files.waitUntilActive(file);
 * await gemini.generateContent({
 *   model: 'gemini-2.5-flash',
 *   contents: [{ role: 'user', parts: [{ fileData: { fileUri: active.uri!, mimeType: 'video/mp4' } }, { text: 'Summarise the talk.' }] }],
 * });
 * ```
 */
export interface Files {
  /**
   * `POST upload/{version}/files`, the resumable protocol (as `@google/genai` 3.1.0's uploader):
   * start, then chunks at `X-Goog-Upload-Offset` (the last one with `finalize`). A chunk that fails
   * with a retryable error is resumed where the server says it stopped (`X-Goog-Upload-Command:
   * query`), up to 3 times per chunk, each after the retry policy's wait (the server's delay, or
   * backoff; a delay past `retry.maxServerDelayMs` fails the upload), not at all with `retry:
   * false`. Paths and streams are read a chunk at a time, never whole;
   * a path must be a regular file (or a symlink to one), a stream ends at its `size`.
   * @throws {@link UploadError} when the protocol fails part-way, or a stream passes its `size`.
   * @throws {@link InvalidArgumentError} for a path that is a FIFO, device, directory or socket.
   */
  upload(source: UploadSource, options?: UploadFileOptions): Promise<GeminiFile>;
  /**
   * `GET files/{id}`: the metadata.
   * @throws {@link FileNotFoundError} for a file that is missing or expired.
   */
  get(name: string, options?: CallOptions): Promise<GeminiFile>;
  /** `GET files`: one page of this key's files. */
  list(options?: ListFilesOptions): Promise<ListFilesResponse>;
  /**
   * Every file of this key, page after page.
   * @throws {@link ApiCallError} (not retryable) when a page hands back a page token already
   * followed (a gateway that ignores `pageToken`), rather than listing forever.
   */
  listAll(options?: Omit<ListFilesOptions, 'pageToken'>): AsyncIterable<GeminiFile>;
  /** `DELETE files/{id}`. @throws {@link FileNotFoundError} */
  delete(name: string, options?: CallOptions): Promise<void>;
  /**
   * `GET download/{version}/files/{id}:download?alt=media`: the bytes, bounded by `maxBytes`. The
   * Gemini API serves only generated files (a batch's results, generated video); an uploaded file
   * answers an error.
   */
  download(name: string, options?: DownloadFileOptions): Promise<Uint8Array>;
  /**
   * Polls `files.get` while the file is `PROCESSING` (video is, for a while) and gives it back
   * once it is not: `ACTIVE`, or a state this client does not know (`STATE_UNSPECIFIED`, a newer
   * one, none), which the caller judges from `state`.
   * @throws {@link FileProcessingError} when it ends `FAILED`.
   */
  waitUntilActive(file: string | GeminiFile, options?: PollOptions): Promise<GeminiFile>;
}
