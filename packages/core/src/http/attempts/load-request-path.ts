import { LoadOnce } from '../../shared/load-once.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { OpenGenerateContentStreamOptions } from './open-generate-content-stream.ts';
import type { RequestPath } from './request-path.ts';

// The request path (about 30 modules, the SSE parser and eventsource-parser among them) is loaded
// by the first call, not by `import '@gemloop/core'`: Node's ESM loader pays for every module at
// import, and the root must stay cheap to import (bench/README.md, "Cold import"). Once loaded, a
// call runs as it would with static imports: no extra await, the stream is the request path's own
// generator. A failed load is not kept (the next call tries again); the call fails with the
// loader's error, as any import would.
const requestPath = new LoadOnce(
  async (): Promise<RequestPath> => (await import('./request-path.ts')).requestPath,
);

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
