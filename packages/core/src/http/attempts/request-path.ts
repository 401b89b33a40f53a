import { fileNotFoundOf } from '../../errors/files-and-batches/file-not-found-of.ts';
import * as checks from './check-responses.ts';
import { openGenerateContentStream } from './open-generate-content-stream.ts';
import { endUnary, readUnary, requestJson, sendWithRetry } from './request-json.ts';

/**
 * What a client call needs once its arguments are checked: the request path (attempts, retries,
 * time limits, bodies, the SSE parser, typed errors) and the response checks.
 * @internal
 */
export type RequestPath = {
  requestJson: typeof requestJson;
  /** `requestJson`'s parts, for `generateContent`'s own call (see `endUnary`). */
  sendWithRetry: typeof sendWithRetry;
  readUnary: typeof readUnary;
  endUnary: typeof endUnary;
  openGenerateContentStream: typeof openGenerateContentStream;
  checks: typeof checks;
  /** A model call's refused file as a `FileNotFoundError`: only a response can say so. */
  fileNotFoundOf: typeof fileNotFoundOf;
};

/**
 * The request path, loaded by `load-request-path.ts`'s one `import()`. One module, not four
 * `import()`s: each `import()` is an entry of a browser bundle, and esbuild splits the files the
 * entries share into a chunk per set of entries that reach them. The agent app loaded 7 chunks
 * more with four, 732 B gzip of `import`/`export` lines (bench/RESULTS.md, "bytes2").
 * @internal
 */
export const requestPath: RequestPath = {
  requestJson,
  sendWithRetry,
  readUnary,
  endUnary,
  openGenerateContentStream,
  checks,
  fileNotFoundOf,
};
