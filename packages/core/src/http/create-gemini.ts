import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { CachedContent } from '../wire/cached-content.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import { loadedRequestPath, loadRequestPath, openStream } from './attempts/load-request-path.ts';
import type { RequestJsonOptions } from './attempts/request-json.ts';
import { buildGenerateContentBody } from './build-generate-content-body.ts';
import { withVertexCacheName } from './caches/cache-paths.ts';
import { checkVertexRequest } from './check-vertex-request.ts';
import { registerClientInternals } from './client-internals.ts';
import { createEndpointFieldWarner } from './endpoint-field-warnings.ts';
import type { Caches, CallOptions, CreateGeminiOptions, Gemini } from './gemini.ts';
import { ModelCallRecord, registerModelCallEntry } from './model-call-entry.ts';
import type { ModelMethods } from './model-methods.ts';
import {
  defaultCallOptions,
  type ResolvedCallOptions,
  resolveCallOptions,
} from './options/resolve-call-options.ts';
import { resolveClientOptions } from './options/resolve-client-options.ts';
import { toModelPath } from './options/to-model-path.ts';
import { secretsOfTools } from './secrets-of-tools.ts';
import { type ContentJsonCache, serializeRequestBody } from './serialize-request-body.ts';

/**
 * Creates a client of the Gemini native REST API, Google's (`generativelanguage.googleapis.com`)
 * or a gateway's such as CometAPI (`https://api.cometapi.com`).
 *
 * The key comes from `apiKey`, else `GEMINI_API_KEY`, else `GOOGLE_API_KEY`, and is sent in the
 * `x-goog-api-key` header (or `Authorization: Bearer` with `auth: 'bearer'`), never in the URL.
 * Failed calls are retried (408, 429, 500, 502, 503, 504, network failures) with backoff, honouring
 * the server's requested delay; every attempt has a time limit.
 *
 * @throws {@link MissingApiKeyError} when there is no key, naming both variables.
 * @throws {@link InvalidArgumentError} for a bad option, naming it and the fix.
 * @example
 * ```ts
 * const gemini = createGemini({ retry: { maxRetries: 5 } });
 * const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi!' });
 *
 * for await (const chunk of gemini.streamGenerateContent({ model: 'gemini-2.5-flash', contents: 'Hi!' })) {
 *   process.stdout.write(chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '');
 * }
 * ```
 */
export function createGemini(options?: CreateGeminiOptions): Gemini {
  const resolved = resolveClientOptions(options);
  const client = { ...resolved, logger: resolved.logger.child({ component: 'gemini' }) };
  const defaults = defaultCallOptions(client);
  const warnEndpointFields = createEndpointFieldWarner(
    { platform: client.vertex === undefined ? 'gemini-api' : 'vertex', baseUrl: client.baseUrl },
    client.logger,
  );

  // The two model calls, shared by the public methods and the agent's entry (model-call-entry.ts),
  // which hands over the run's body cache and gets the call's record back.
  // A bad request or option rejects the call's promise, never throws at the call.
  function generate(
    given: GenerateContentRequest,
    callOptions: CallOptions | undefined,
    bodyCache: ContentJsonCache | undefined,
    record?: ModelCallRecord,
  ): Promise<GenerateContentResponse> {
    let options: GenerateCall;
    try {
      options = prepareGenerate(given, callOptions, bodyCache, record);
    } catch (error) {
      return Promise.reject(error);
    }
    // The loaded request path is called from here, not through withRequestPath's closure: the
    // agent's entry below does the same, so a run's model call reaches the transport in fewer
    // calls (issue 53 item 8; agent/request-path-depth.test.ts counts them).
    const path = loadedRequestPath();
    if (path === undefined) return requestGenerateAfterLoad(options);
    options.check = path.checks.checkGenerateContentResponse;
    // requestJson's two steps called from here (one call fewer, one promise where it took three).
    return path
      .sendWithRetry(options, path.readUnary<GenerateContentResponse>)
      .then(path.endUnary, rethrowFileNotFound);
  }

  /** A `generateContent` call checked and serialised, its `check` set once the path is loaded. */
  function prepareGenerate(
    given: GenerateContentRequest,
    callOptions: CallOptions | undefined,
    bodyCache: ContentJsonCache | undefined,
    record: ModelCallRecord | undefined,
  ): GenerateCall {
    const model = modelPathOf(checkRequest(given).model, bodyCache);
    const request = client.vertex === undefined ? given : forVertex(given, false);
    warnEndpointFields?.(request);
    const call = recordTo(resolveModelCallOptions(callOptions, bodyCache, request.tools), record);
    const body = serializeRequestBody(
      buildGenerateContentBody(request, 'request', bodyCache),
      bodyCache,
    );
    return {
      client,
      call,
      method: 'generateContent',
      model,
      url: `${client.root}${model}:generateContent`,
      httpMethod: 'POST',
      body,
      check: checkBeforeLoad,
      usageOf,
    };
  }

  function stream(
    given: GenerateContentRequest,
    callOptions: CallOptions | undefined,
    bodyCache: ContentJsonCache | undefined,
    record?: ModelCallRecord,
  ): AsyncIterableIterator<GenerateContentResponse> {
    // Checked now, so a bad request throws at the call, not at the first iteration.
    const model = modelPathOf(checkRequest(given).model, bodyCache);
    const request = client.vertex === undefined ? given : forVertex(given, true);
    warnEndpointFields?.(request);
    const body = serializeRequestBody(
      buildGenerateContentBody(request, 'request', bodyCache),
      bodyCache,
    );
    const call = recordTo(resolveModelCallOptions(callOptions, bodyCache, request.tools), record);
    const url = `${client.root}${model}:streamGenerateContent?alt=sse`;
    // The request path's own iterator, no layer around it (it maps a refused file's error itself).
    return openStream({ client, call, model, url, body });
  }

  /** `request.model` as a path: checked once a run when the run's cache is handed over. */
  function modelPathOf(model: unknown, run: ContentJsonCache | undefined): string {
    if (run === undefined) return toModelPath(model, 'request.model');
    if (run.model === model) return run.modelPath;
    const path = toModelPath(model, 'request.model');
    run.modelPath = path;
    run.model = model as string;
    return path;
  }

  /**
   * A model call's options resolved, the credentials in the request's tools among its secrets. A
   * run's own (frozen, handed with the run's cache) are checked strictly by its first call only,
   * and resolved once for the run's tools (the agent's, the same array every step): its later
   * calls take that object as it is (recordTo copies it), where each resolved them again and
   * walked the tools (seven calls and two objects a step fewer; issue 53, helper step-shared).
   */
  function resolveModelCallOptions(
    callOptions: CallOptions | undefined,
    run: ContentJsonCache | undefined,
    tools: unknown,
  ): ResolvedCallOptions {
    if (run === undefined || callOptions === undefined)
      return withToolSecrets(resolveCallOptions(callOptions, client, defaults), tools);
    if (run.checkedCallOptions === callOptions && run.callTools === tools) {
      const call = run.resolvedCall as ResolvedCallOptions;
      // Its own credentials (a header's, a tool's) learned again, as each call learned them: still
      // among the client's most recent, which its redactor (the agent's errors, spans, run file)
      // scrubs however many other calls' credentials it learned since the run's first call.
      call.secrets.renew?.();
      return call;
    }
    const call = withToolSecrets(resolveCallOptions(callOptions, client, defaults), tools);
    // A frozen object cannot change before the next call (Object.isFrozen is a call into V8's
    // runtime: made by a run's first call, and again only when its tools change).
    if (Object.isFrozen(callOptions)) {
      run.checkedCallOptions = callOptions;
      run.callTools = tools;
      run.resolvedCall = call;
    }
    return call;
  }

  /** Vertex's differences checked, and a cache named as Vertex reads it (`projects/…`). */
  function forVertex(request: GenerateContentRequest, stream: boolean): GenerateContentRequest {
    checkVertexRequest(request, stream);
    return withVertexCacheName(request, client, 'request');
  }

  // Credentials in the request's tools (an Exa.ai key, MCP headers) are the call's secrets too.
  function withToolSecrets(call: ResolvedCallOptions, tools: unknown): ResolvedCallOptions {
    const own = secretsOfTools(tools);
    if (own.length === 0) return call;
    return { ...call, secrets: client.secrets.withCall(own, call.secrets) };
  }

  const internals = { client, defaults };
  const gemini: Gemini = {
    baseUrl: client.baseUrl,
    platform: client.vertex === undefined ? 'gemini-api' : 'vertex',
    apiVersion: client.apiVersion,

    generateContent(request, callOptions) {
      return generate(request, callOptions, undefined);
    },

    streamGenerateContent(request, callOptions) {
      return stream(request, callOptions, undefined);
    },

    // Loaded by the first call of one of them: an agent's run makes none (model-methods.ts).
    countTokens: (request, callOptions) =>
      withModelMethods((methods) =>
        methods.countTokens(internals, checkRequest(request), callOptions),
      ),
    listModels: (listOptions) =>
      withModelMethods((methods) => methods.listModels(internals, listOptions)),
    getModel: (model, callOptions) =>
      withModelMethods((methods) => methods.getModel(internals, model, callOptions)),

    caches: createLazyCaches(() =>
      import('./caches/create-caches.ts').then(({ createCaches }) =>
        createCaches(client, defaults, serializeRequestBody),
      ),
    ),
  };
  // For createFiles and createBatches (@gemloop/core/http): their code is loaded only by apps that
  // import them, so an agent app's browser bundle does not carry it.
  registerClientInternals(gemini, internals);
  const redact: Redactor = (value, held) =>
    scrubSecrets(value, client.secrets.values, undefined, held);
  registerModelCallEntry(gemini, {
    secrets: () => client.secrets.values,
    // generate() inlined: one call fewer between a run and the transport.
    generate({ request, callOptions, bodyCache }) {
      const record = new ModelCallRecord();
      let options: GenerateCall;
      try {
        options = prepareGenerate(request, callOptions, bodyCache, record);
      } catch (error) {
        return Promise.reject(error);
      }
      const path = loadedRequestPath();
      if (path === undefined)
        return requestGenerateAfterLoad(options).then((answer) => ({ response: answer, record }));
      options.check = path.checks.checkGenerateContentResponse;
      // requestJson's two steps called from here, as in generate() above: one promise a call where
      // requestJson, its await, the file-error mapping and the record's took four.
      return path
        .sendWithRetry(options, path.readUnary<GenerateContentResponse>)
        .then((attempt) => ({ response: path.endUnary(attempt), record }), rethrowFileNotFound);
    },
    stream({ request, callOptions, bodyCache }) {
      const record = new ModelCallRecord();
      return { stream: stream(request, callOptions, bodyCache, record), record };
    },
    // The secrets are read at each use, so credentials the client learns later (Vertex access
    // tokens, a call's header credentials) are scrubbed too; the key is never readable from it.
    redact,
  });
  return gemini;
}

// countTokens, listModels and getModel: loaded by the first call of one of them, by any client (a
// failed load is not kept, the next call tries again). An agent's run calls none of them, so an
// agent app's browser bundle loads them only on that use (-620 B gzip; issue 53, helper bytes).
const modelMethods = new LoadOnce(
  (): Promise<ModelMethods> => import('./model-methods.ts').then((loaded) => loaded.modelMethods),
);

/**
 * Calls one of the methods of model-methods.ts, loading them first (once). Always in a `then`, so
 * what `use` throws (a bad argument) rejects the call, as the `async` methods did.
 */
function withModelMethods<T>(use: (methods: ModelMethods) => Promise<T>): Promise<T> {
  return modelMethods.load().then(use);
}

/** A `generateContent` call on the request path. */
type GenerateCall = RequestJsonOptions<GenerateContentResponse>;

/** Never called: `prepareGenerate`'s `check` until the request path's own is set. */
function checkBeforeLoad(): GenerateContentResponse {
  throw new Error('the request path is not loaded');
}

/** A `generateContent` call made once the request path is loaded (the first call of a process). */
function requestGenerateAfterLoad(options: GenerateCall): Promise<GenerateContentResponse> {
  return loadRequestPath()
    .then((path) => {
      options.check = path.checks.checkGenerateContentResponse;
      return path.requestJson(options);
    })
    .catch(rethrowFileNotFound);
}

/**
 * A refused file's error as a `FileNotFoundError` (see fileNotFoundOf). Only a response says a
 * file was refused, so a call that failed before the request path loaded has nothing to map.
 */
function rethrowFileNotFound(error: unknown): never {
  const path = loadedRequestPath();
  throw path === undefined ? error : path.fileNotFoundOf(error);
}

function usageOf(response: GenerateContentResponse): UsageMetadata | undefined {
  return response.usageMetadata;
}

function checkRequest<T extends { model: string }>(request: T): T {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message:
        "request must be an object such as { model: 'gemini-2.5-flash', contents: 'Hello' }.",
    });
  }
  return request;
}

/**
 * The call's options with `record` to fill: a copy, since the resolved object may be shared by
 * calls (the client's defaults, a run's options resolved by its first call), which is never written.
 * The spread only overrides `record` (every resolved object has the key): on Node 20 a spread that
 * adds a key is V8's slow path, ~1.6-2.6 µs a call where this is ~50 ns (a microbenchmark; the run
 * options cut read +5.1 µs a step against main with `record` added).
 */
function recordTo(
  call: ResolvedCallOptions,
  record: ModelCallRecord | undefined,
): ResolvedCallOptions {
  return record === undefined ? call : { ...call, record };
}

/**
 * `gemini.caches`, its module loaded by the first call of one of its methods: explicit caching is
 * rare, and the root must stay cheap to import (bench/README.md, "Cold import"). Every method is
 * asynchronous (`listAll` an async iterable) and checks its arguments in the loaded module, so only
 * the first call waits, and once loaded each method is the loaded one's, called at once. A failed
 * load is not kept: the next call tries again.
 */
function createLazyCaches(load: () => Promise<Caches>): Caches {
  const lazy = new LoadOnce(load);
  const withCaches = <T>(use: (loaded: Caches) => Promise<T>): Promise<T> =>
    lazy.value !== undefined ? use(lazy.value) : lazy.load().then(use);
  async function* listAllAfterLoad(
    options: Parameters<Caches['listAll']>[0],
  ): AsyncGenerator<CachedContent> {
    yield* (await lazy.load()).listAll(options);
  }
  return {
    create: (request, options) => withCaches((loaded) => loaded.create(request, options)),
    get: (name, options) => withCaches((loaded) => loaded.get(name, options)),
    list: (options) => withCaches((loaded) => loaded.list(options)),
    listAll: (options) =>
      lazy.value !== undefined ? lazy.value.listAll(options) : listAllAfterLoad(options),
    update: (name, expiration, options) =>
      withCaches((loaded) => loaded.update(name, expiration, options)),
    delete: (name, options) => withCaches((loaded) => loaded.delete(name, options)),
  };
}
