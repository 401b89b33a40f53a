import { LoadOnce } from '../../shared/load-once.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { OpenGenerateContentStreamOptions } from './open-generate-content-stream.ts';

type RequestJsonModule = typeof import('./request-json.ts');
type StreamModule = typeof import('./open-generate-content-stream.ts');
type ChecksModule = typeof import('./check-responses.ts');
type FileErrorModule = typeof import('../../errors/files-and-batches/file-not-found-of.ts');

/**
 * What a client call needs once its arguments are checked: the request path (attempts, retries,
 * time limits, bodies, the SSE parser, typed errors) and the response checks.
 * @internal
 */
export type RequestPath = {
  requestJson: RequestJsonModule['requestJson'];
  /** `requestJson`'s parts, for `generateContent`'s own call (see `endUnary`). */
  sendWithRetry: RequestJsonModule['sendWithRetry'];
  readUnary: RequestJsonModule['readUnary'];
  endUnary: RequestJsonModule['endUnary'];
  openGenerateContentStream: StreamModule['openGenerateContentStream'];
  checks: ChecksModule;
  /** A model call's refused file as a `FileNotFoundError`: only a response can say so. */
  fileNotFoundOf: FileErrorModule['fileNotFoundOf'];
};

// The request path (about 30 modules, the SSE parser and eventsource-parser among them) is loaded
// by the first call, not by `import '@gemloop/core'`: Node's ESM loader pays for every module at
// import, and the root must stay cheap to import (bench/README.md, "Cold import"). Once loaded, a
// call runs as it would with static imports: no extra await, the stream is the request path's own
// generator. A failed load is not kept (the next call tries again); the call fails with the
// loader's error, as any import would.
const requestPath = new LoadOnce(async (): Promise<RequestPath> => {
  const [
    { requestJson, sendWithRetry, readUnary, endUnary },
    { openGenerateContentStream },
    checks,
    { fileNotFoundOf },
  ] = await Promise.all([
    import('./request-json.ts'),
    import('./open-generate-content-stream.ts'),
    import('./check-responses.ts'),
    // Already the stream's: no module more, and none at import (index.static-imports.test.ts).
    import('../../errors/files-and-batches/file-not-found-of.ts'),
  ]);
  return {
    requestJson,
    sendWithRetry,
    readUnary,
    endUnary,
    openGenerateContentStream,
    checks,
    fileNotFoundOf,
  };
});

/**
 * Loads the request path now, as a client's first call would; a failure is left for that call
 * to report (see `preloadRunPath`).
 * @internal
 */
export async function preloadRequestPath(): Promise<void> {
  await requestPath.load().catch(() => {});
}

/**
 * The request path when it is loaded, else `undefined` (then {@link loadRequestPath}). A caller on
 * the agent's hot path reads it and calls `requestJson` itself, so that no closure and no
 * {@link withRequestPath} frame lie between the model call and the transport (issue 53 item 8).
 * @internal
 */
export function loadedRequestPath(): RequestPath | undefined {
  return requestPath.value;
}

/**
 * Loads the request path (the load in flight, or a new one after a failure); its failure is the
 * caller's to report.
 * @internal
 */
export function loadRequestPath(): Promise<RequestPath> {
  return requestPath.load();
}

/**
 * `use(requestPath)`: called at once when the request path is loaded (so a call takes no more
 * turns of the event loop than with static imports), else once it is.
 * @internal
 */
export function withRequestPath<T>(use: (path: RequestPath) => Promise<T>): Promise<T> {
  const loaded = requestPath.value;
  if (loaded !== undefined) return use(loaded);
  return requestPath.load().then(use);
}

/**
 * `openGenerateContentStream(options)`: the request path's own iterator once it is loaded; before
 * that, a generator that loads it when iteration starts (when the request would be made anyway).
 * @internal
 */
export function openStream(
  options: OpenGenerateContentStreamOptions,
): AsyncIterableIterator<GenerateContentResponse> {
  // Not loaded here: a load that fails before anyone iterates would be an unhandled rejection.
  const loaded = requestPath.value;
  if (loaded !== undefined) return loaded.openGenerateContentStream(options);
  return openAfterLoad(options);
}

async function* openAfterLoad(
  options: OpenGenerateContentStreamOptions,
): AsyncGenerator<GenerateContentResponse> {
  const path = await requestPath.load();
  yield* path.openGenerateContentStream(options);
}
