import { fileNotFoundOf } from '../../errors/files-and-batches/file-not-found-of.ts';
import { checkGenerateContentResponse } from './check-responses.ts';
import { openGenerateContentStream } from './open-generate-content-stream.ts';
import { endUnary, readUnary, requestJson, sendWithRetry } from './request-json.ts';

// An object of its own, not `import * as`: a namespace import makes esbuild emit its `__export`
// helper into the runtime chunk every chunk imports, which the pattern analysis's CommonJS
// libraries (scslre, refa) grow with theirs: 43 B gzip of the agent app (bench/RESULTS.md, "redos").
const checks: ResponseChecks = { checkGenerateContentResponse };

/**
 * The response check of check-responses.ts. The other resources' checks are imported by their own
 * lazily loaded modules (check-resource-responses.ts), so an agent app does not carry them.
 * @internal
 */
export type ResponseChecks = {
  checkGenerateContentResponse: typeof checkGenerateContentResponse;
};

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
  checks: ResponseChecks;
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
