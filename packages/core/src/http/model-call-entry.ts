// The one internal door between the agent and the client: what a run hands the client with a
// model call (its body cache), and what it gets back besides the response (the served tier, the
// attempts). Part of the client's contract with the agent, so the agent may import this file (see
// .dependency-cruiser.mjs, core-http-contract). Shaped after vercel/ai's
// `LanguageModelV2.doGenerate(options)`, which returns `{ content, finishReason, usage, request,
// response }` rather than reporting through callbacks (packages/provider/src/language-model/v2).

import { preloadNodeTransport } from '#platform/select-node-transport';
import type { Redactor } from '../shared/client-redactor.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { SERVICE_TIER_HEADER, type ServiceTier } from '../wire/service-tier.ts';
import { preloadRequestPath } from './attempts/load-request-path.ts';
import type { CallOptions, Gemini, ResponseInfo } from './gemini.ts';
import type { ContentJsonCache } from './serialize-request-body.ts';

/**
 * What one model request of a run takes: the `generateContent` request and the run's call
 * options. A request-level plugin (`wrapModelRequest`, `@gemloop/core/plugins`) passes it on to
 * `next` as it is, or changed with a spread (`{ ...input, request }`), so what it does not name
 * goes along.
 */
export type ModelCallInput = {
  /** The request as the agent built it (the model's `Content` verbatim). */
  request: GenerateContentRequest;
  /** The run's call options: its signal, headers, timeout; `onResponse` here is the caller's own. */
  callOptions: CallOptions;
  /**
   * The run's JSON of the contents it already sent: the client serialises only what is new, and
   * checks only contents this cache does not hold unchanged (it checked them when it sent them).
   * @internal
   */
  bodyCache?: ContentJsonCache | undefined;
  /**
   * How many calls each request wrapper's `next` made for this request (one count per wrapper,
   * made fresh by the agent's outermost entry): what bounds them by `maxModelCallsPerStep`. A
   * spread input carries it on; an input built without it takes it from the input the wrapper was
   * given, passed as `next`'s second argument (`next.generate(built, input)`), and without that
   * is passed on uncounted.
   * @internal
   */
  requestCalls?: number[] | undefined;
  /**
   * The in-step reports of the run's step this call belongs to (`ModelStepReports` in
   * `@gemloop/core`'s agent; `undefined`: none to keep), for a durable runner's model client,
   * which keeps them with the step that makes the call (its entry reads them here: see
   * {@link createModelCallEntry}). On the input, not the call options: a request wrapper that
   * builds fresh options keeps them, and one that builds a fresh input takes them from the input
   * it was given (`next.generate(built, input)`), as it does `requestCalls`.
   * @internal
   */
  stepReports?: unknown;
};

/**
 * What a model request gives back besides its response, filled as it goes: the response info of
 * the attempt that succeeded (for a stream, known once its headers came, before the first chunk).
 * Plain data, one per request, read by the caller when the request is over (the step's
 * `serviceTier`, its span's attempts). An entry that answers a request without `next` (another
 * client's entry, a cache) returns one of its own: `new ModelCallRecord()`, filled or not.
 */
export class ModelCallRecord {
  /** The 2xx response's status and headers, set by the attempt that got it. */
  info: ResponseInfo | undefined = undefined;

  /**
   * The Interactions API interaction that answered the call (an agent on `api: interactionsApi()`),
   * set when its id is known; `undefined` on `generateContent`.
   */
  interactionId: string | undefined = undefined;

  /** How many attempts the call took (1 with no retry); 0 before any response. */
  get attempts(): number {
    return this.info?.attempt ?? 0;
  }

  /** The `x-gemini-service-tier` header of the response, when it has a non-empty one. */
  get serviceTier(): ServiceTier | undefined {
    const info = this.info;
    if (info === undefined) return undefined;
    // The client's own info reads one raw header without building the response's Headers (see
    // AttemptResponseInfo); another Gemini's has only the Headers.
    const header =
      typeof (info as { header?: unknown }).header === 'function'
        ? (info as unknown as { header(name: string): string | null }).header(SERVICE_TIER_HEADER)
        : info.headers.get(SERVICE_TIER_HEADER);
    return header === null || header === '' ? undefined : header;
  }
}

/** A unary model request's outcome: the response and the request's record. */
export type ModelCallResult = { response: GenerateContentResponse; record: ModelCallRecord };

/**
 * A streamed model request: its chunks (each a `GenerateContentResponse`, as the API streams
 * them), and its record (complete once the chunks are read).
 */
export type ModelStreamResult = {
  stream: AsyncIterable<GenerateContentResponse>;
  record: ModelCallRecord;
};

/**
 * Where an agent's model requests go: the client's own entry (see {@link modelCallEntryOf}), or
 * what request-level plugins made of it (`wrapModelRequest`, `@gemloop/core/plugins`). Each call
 * is one request: `generate` a unary one, `stream` a streamed one (`agent.stream()`). What a run
 * builds on top (folding chunks into a step, continuation's hops, retries inside the client,
 * usage, events, spans) is the same whichever entry answers.
 */
export type ModelCallEntry = {
  /**
   * Sends one unary request. `given`: in a request wrapper's call of its `next`, the input the
   * wrapper was given, when `input` is one it built afresh rather than spread from it: the
   * request's bound on `next`'s calls (`maxModelCallsPerStep`) then counts it on `given`'s
   * count. A spread input carries its count and needs no `given`.
   */
  generate(input: ModelCallInput, given?: ModelCallInput): Promise<ModelCallResult>;
  /**
   * Opens one streamed request (returns at once; the request is sent when its chunks are read).
   * `given`: as for {@link ModelCallEntry.generate}.
   */
  stream(input: ModelCallInput, given?: ModelCallInput): ModelStreamResult;
  /**
   * Scrubs the client's secrets from a value; the value itself for a client gemloop did not make.
   * (A wrapper that leaves it out keeps `next`'s.)
   * @internal
   */
  redact: Redactor;
  /**
   * The client's keys as they are now (what `redact` removes), for a hold-back that must see a
   * key's start before its end (`keylessEvents`); absent for a client gemloop did not make.
   * @internal
   */
  secrets?: (() => readonly string[]) | undefined;
  /**
   * Optional (an entry whose server keeps a conversation's state): `contents`, a history that
   * ends with the model's answer, is held on the server by the interaction `interactionId` (a
   * chat turn stored it), so a request that extends it sends only what follows, even when this
   * entry never answered it (another process, a restart).
   */
  resumeFrom?(contents: readonly Content[], interactionId: string): void;
};

// Keyed by the client object, not a property on it: nothing shows on the public `Gemini`, and
// only a client `createGemini` made is found (a wrapper, a test double or the durable client goes
// through its public methods, see `publicEntry`). No signature can carry it: `createAgent` gets
// the user's public client; resolved once per agent into `AgentConfig.modelCall`. Not run data.
// why (kept): keyed by the user's client; see the reason above.
const entries = new WeakMap<object, ModelCallEntry>();

/** Registers the internal side of a client made by `createGemini`. @internal */
export function registerModelCallEntry(gemini: Gemini, entry: ModelCallEntry): void {
  entries.set(gemini, entry);
}

/**
 * The entry of a client: its own when `createGemini` made it, else one over its public methods
 * (`onResponse` wrapped to fill the record; values kept as they are by the redactor, since such a
 * client holds no key gemloop knows). A request-level plugin returns another client's entry to
 * send the agent's requests there (a second base URL, a second key), with that client's retries,
 * transport and redaction.
 *
 * @example
 * ```ts
 * const other = createGemini({ baseUrl: 'https://gateway.example.com', apiKey });
 * const routed = definePlugin({ name: 'route', wrapModelRequest: () => modelCallEntryOf(other) });
 * ```
 */
export function modelCallEntryOf(gemini: Gemini): ModelCallEntry {
  const own = entries.get(gemini);
  if (own !== undefined) return own;
  const entry = publicEntry(gemini);
  entries.set(gemini, entry);
  return entry;
}

const keepAsIs: Redactor = (value) => value;

function publicEntry(gemini: Gemini): ModelCallEntry {
  return createModelCallEntry({
    generate: (request, options) => gemini.generateContent(request, options),
    stream: (request, options) => gemini.streamGenerateContent(request, options),
  });
}

/**
 * An entry over two calls made with the client's public signatures, plus the input they belong
 * to (a durable runner's client reads the call's `stepReports` there): each call's `onResponse`
 * fills the request's record; values are kept as they are by the redactor (a wrapper given its
 * client's redaction sets its own). @internal
 */
export function createModelCallEntry(calls: {
  generate(
    request: GenerateContentRequest,
    options: CallOptions,
    input: ModelCallInput,
  ): Promise<GenerateContentResponse>;
  stream(
    request: GenerateContentRequest,
    options: CallOptions,
    input: ModelCallInput,
  ): AsyncIterable<GenerateContentResponse>;
}): ModelCallEntry {
  return {
    async generate(input) {
      const record = new ModelCallRecord();
      const response = await calls.generate(
        input.request,
        recording(input.callOptions, record),
        input,
      );
      return { response, record };
    },
    stream(input) {
      const record = new ModelCallRecord();
      return {
        stream: calls.stream(input.request, recording(input.callOptions, record), input),
        record,
      };
    },
    redact: keepAsIs,
  };
}

/** The call options with `onResponse` filling `record` before the caller's own is told. */
function recording(options: CallOptions, record: ModelCallRecord): CallOptions {
  const own = options.onResponse;
  return {
    ...options,
    onResponse: (info) => {
      record.info = info;
      own?.(info);
    },
  };
}

/**
 * Loads now what a client's first model call loads on first use: the request path and, on Node,
 * the node transport's undici files (see `preloadRunPath`). A failed load is left for that call to
 * report.
 * @internal
 */
export async function preloadModelCalls(): Promise<void> {
  await Promise.all([preloadRequestPath(), preloadNodeTransport()]);
}
