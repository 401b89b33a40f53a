import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { twoCopiesHint } from '../../errors/two-copies-hint.ts';
import { bytesToBase64 } from '../../shared/bytes-to-base64.ts';
import type { FileData, Blob as WireBlob } from '../../wire/content.ts';
import { clientInternalsOf } from '../client-internals.ts';
import type { Gemini } from '../gemini.ts';
import { createFiles } from './create-files.ts';
import type { PollOptions, UploadFileOptions, UploadSource } from './files.ts';
import { openUploadSource } from './read-upload-source.ts';

/**
 * The default inline limit: 20,000,000 bytes of media. Google's long-standing rule is "use the
 * File API when the total request size (files, text prompts, system instructions) is larger than
 * 20 MB" (ai.google.dev/gemini-api/docs/vision, /document-processing; also the AI SDK's and
 * langchain4j's `GeminiFiles` docs). Google raised the inline limit to 100 MB on its own API in
 * January 2026 (blog.google, "Increased file size limits ... in Gemini API"); gateways and older
 * endpoints may not have, and base64 grows the bytes by a third, so 20 MB stays the default.
 */
export const DEFAULT_INLINE_LIMIT_BYTES = 20_000_000;

/** Options of {@link filePart}. */
export type FilePartOptions = Pick<
  UploadFileOptions,
  'displayName' | 'signal' | 'onProgress' | 'chunkSize' | 'size'
> & {
  /** The media type, e.g. `video/mp4`. Required unless the source is a `Blob` with a `type`. */
  mimeType?: string | undefined;
  /** Media up to this many bytes is sent inline. @defaultValue 20000000 ({@link DEFAULT_INLINE_LIMIT_BYTES}) */
  inlineLimitBytes?: number | undefined;
  /** Wait until the uploaded file is `ACTIVE` (video is processed first). @defaultValue true */
  waitUntilActive?: boolean | undefined;
  /** Poll interval of that wait. */
  pollIntervalMs?: PollOptions['pollIntervalMs'];
};

/** A media part: inline bytes, or a reference to an uploaded file. Fits `Part` and `FunctionResponsePart`. */
export type MediaPart = { inlineData: WireBlob } | { fileData: FileData };

/**
 * A part for media of any size: inline (`inlineData`, base64) up to `inlineLimitBytes`, else
 * uploaded with `createFiles(gemini).upload` (resumable, read a chunk at a time) and referred to by
 * `fileData`. Put it in `contents`, or return it from a tool in `toolResult({ parts: [part] })`
 * (the agent moves `fileData` into the user turn where the API wants it there).
 *
 * Where the endpoint has no Files API (Vertex AI, many gateways) media over the limit fails with
 * `UnsupportedEndpointError`; inline bytes are then the only way, so raise `inlineLimitBytes`
 * up to what the endpoint accepts (Google's API: 100 MB), or on Vertex use a `gs://` URI.
 *
 * @example
 * ```ts
 * const part = await filePart(gemini, './talk.mp4', { mimeType: 'video/mp4' });
 * await gemini.generateContent({ model, contents: [{ role: 'user', parts: [part, { text: 'Summarise it.' }] }] });
 * ```
 */
export async function filePart(
  gemini: Gemini,
  source: UploadSource,
  options: FilePartOptions = {},
): Promise<MediaPart> {
  const {
    inlineLimitBytes = DEFAULT_INLINE_LIMIT_BYTES,
    waitUntilActive = true,
    pollIntervalMs,
    ...upload
  } = options;
  if (typeof inlineLimitBytes !== 'number' || !(inlineLimitBytes >= 0)) {
    throw new InvalidArgumentError({
      argument: 'options.inlineLimitBytes',
      message: 'options.inlineLimitBytes must be a number of bytes >= 0.',
    });
  }
  // Read at most one byte past the limit: small media is inlined from that prefix, large media is
  // uploaded without ever being held whole.
  const opened = await openUploadSource(source, upload.size);
  let prefix: Uint8Array;
  let uploadSource: UploadSource = source;
  const mimeType = upload.mimeType ?? opened.type;
  // Closed on every way out but a stream's upload, which reads on from it: an inlined path's file
  // was left open, for the garbage collector to close (DEP0137).
  let readOn = false;
  try {
    if (opened.size !== undefined && opened.size > inlineLimitBytes) {
      prefix = new Uint8Array(0);
    } else {
      prefix = await opened.next(Math.min(inlineLimitBytes + 1, Number.MAX_SAFE_INTEGER));
    }
    if (mimeType === undefined) {
      throw new InvalidArgumentError({
        argument: 'options.mimeType',
        message: "filePart needs options.mimeType (e.g. 'image/png', 'video/mp4').",
      });
    }
    if (
      (opened.size === undefined || opened.size <= inlineLimitBytes) &&
      prefix.byteLength <= inlineLimitBytes
    ) {
      return { inlineData: { mimeType, data: bytesToBase64(prefix) } };
    }
    if (source instanceof ReadableStream) {
      uploadSource = continueStream(prefix, opened);
      readOn = true;
    }
  } finally {
    if (!readOn) await opened.close();
  }
  if (clientInternalsOf(gemini) === undefined) {
    if (readOn) await opened.close();
    throw new UnsupportedEndpointError({
      message: `filePart: the media is larger than inlineLimitBytes (${inlineLimitBytes}) and this client has no Files API to upload it (only a client made by createGemini has). Raise inlineLimitBytes up to what the endpoint accepts, or pass the createGemini client.${twoCopiesHint(gemini)}`,
      method: 'files.upload',
      endpoint: gemini.baseUrl,
      platform: gemini.platform ?? 'gemini-api',
    });
  }
  const files = createFiles(gemini);
  const file = await files.upload(uploadSource, { ...upload, mimeType });
  const ready = waitUntilActive
    ? await files.waitUntilActive(file, { signal: upload.signal, pollIntervalMs })
    : file;
  if (ready.uri === undefined) {
    throw new InvalidArgumentError({
      argument: 'source',
      message: `filePart: the uploaded file ${ready.name} has no uri to refer to.`,
    });
  }
  return { fileData: { mimeType, fileUri: ready.uri } };
}

/** The prefix already read, then the rest of the stream. */
function continueStream(
  prefix: Uint8Array,
  opened: Awaited<ReturnType<typeof openUploadSource>>,
): ReadableStream<Uint8Array> {
  let sentPrefix = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentPrefix) {
        sentPrefix = true;
        controller.enqueue(prefix);
        return;
      }
      const next = await opened.next(1024 * 1024);
      if (next.byteLength === 0) {
        await opened.close();
        controller.close();
      } else controller.enqueue(next);
    },
    async cancel() {
      await opened.close();
    },
  });
}
