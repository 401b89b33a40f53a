import { isJsonObject, readField } from '@gemloop/core/internal';
import { getMinCacheTokens } from '@gemloop/core/models';
import { invalidValue, toContractError } from '../contract/contract-violation.ts';
import { estimatePromptTokens } from '../replies/estimate-usage.ts';
import { type FakeHttpError, fakeErrors, googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeCache, FakeReply, FakeState } from '../state/fake-state.ts';
import { randomBase36 } from '../state/seeded-random.ts';
import { isKnownModel } from './fake-models.ts';

/** The API's default TTL (ai.google.dev/gemini-api/docs/caching: "defaults to 1 hour"). */
const DEFAULT_TTL_MS = 3_600_000;
/**
 * The largest `google.protobuf.Duration` (duration.proto: "+315,576,000,000 seconds", about
 * 10,000 years) and `Timestamp` (timestamp.proto: up to 9999-12-31T23:59:59Z). Past them the API's
 * parser refuses the value; the fake must too, or an expiration past JavaScript's last Date
 * would be stored and make every later `get` and `list` throw.
 */
const MAX_DURATION_SECONDS = 315_576_000_000;
const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * The errors of `cachedContents` and of `generateContent` with `cachedContent`, as the real API
 * words them. Sources are named per entry.
 * @internal
 */
export const cacheErrors = {
  /**
   * An unknown, deleted or expired cache (the API does not tell them apart). Quoted by many
   * clients that recreate on it, e.g. the "CachedContent not found (or permission denied)" 403
   * PERMISSION_DENIED handled in public agent wrappers and tests.
   */
  notFound: (): FakeHttpError =>
    googleError(403, 'CachedContent not found (or permission denied)', {
      status: 'PERMISSION_DENIED',
    }),
  /** discuss.ai.google.dev/t/178942 (the API's own 400, quoted in full). */
  tooSmall: (tokens: number, minimum: number): FakeHttpError =>
    fakeErrors.invalidArgument(
      `Cached content is too small. total_token_count=${tokens}, min_total_token_count=${minimum}`,
    ),
  /**
   * `systemInstruction`, `tools` or `toolConfig` beside `cachedContent`: the text of the current
   * API, quoted in 567-labs/instructor#2580 and #2591 (2026-08/09) and python-genai#348 (older
   * wording, "CachedContent can not be used with GenerateContent request setting
   * system_instruction, tools or tool_config", in vercel/ai#3333 and langchain-google#978).
   */
  fieldsBesideCache: (): FakeHttpError =>
    fakeErrors.invalidArgument(
      'Tool config, tools and system instruction should not be set in the request when using cached content.',
    ),
  /**
   * A cache used with another model. Approximated (no public recording found): the API refuses
   * it with a 400 that names both models.
   */
  otherModel: (requestModel: string, cacheModel: string): FakeHttpError =>
    fakeErrors.invalidArgument(
      `Model used by GenerateContent request (models/${requestModel}) and CachedContent (models/${cacheModel}) has to be the same.`,
    ),
};

/** Reads a live cache by name, forgetting it once expired. @internal */
export function findCache(state: FakeState, name: string): FakeCache | undefined {
  const cache = state.caches.get(name);
  if (cache === undefined) return undefined;
  if (cache.expireTime <= now(state)) {
    state.caches.delete(name);
    return undefined;
  }
  return cache;
}

/**
 * `POST/GET/PATCH/DELETE {version}/cachedContents[/{id}]`, with the rules the API enforces: a
 * known model, the model's minimum size (see `getMinCacheTokens`), an expiration given by `ttl`
 * or `expireTime` (default one hour), `updateMask` on patch, and expiry by the fake's clock.
 * @internal
 */
export function handleCacheRequest(
  state: FakeState,
  options: {
    httpMethod: string;
    apiVersion: string;
    id: string | undefined;
    query: URLSearchParams;
    body: unknown;
    /**
     * Vertex AI's `projects/{p}/locations/{l}`: its caches live there, name their publisher model
     * (`{parent}/publishers/google/models/{m}`) and are named `{parent}/cachedContents/{id}`.
     */
    parent?: string | undefined;
  },
): FakeReply {
  const { httpMethod, id, query, parent } = options;
  if (id === undefined) {
    if (httpMethod === 'POST') return create(state, options.body, options.apiVersion, parent);
    if (httpMethod === 'GET') return list(state, query, parent);
    return jsonReply(
      state,
      googleError(
        404,
        `[gemloop fake] ${httpMethod} cachedContents is not a route of the Gemini API.`,
      ),
    );
  }
  const name = `${parent === undefined ? '' : `${parent}/`}cachedContents/${id}`;
  const cache = findCache(state, name);
  if (cache === undefined) return jsonReply(state, cacheErrors.notFound());
  if (httpMethod === 'GET') return ok(state, describe(cache));
  if (httpMethod === 'DELETE') {
    state.caches.delete(name);
    return ok(state, {});
  }
  if (httpMethod === 'PATCH') return update(state, cache, options.body, query);
  return jsonReply(
    state,
    googleError(404, `[gemloop fake] ${httpMethod} ${name} is not a route of the Gemini API.`),
  );
}

function create(
  state: FakeState,
  body: unknown,
  apiVersion: string,
  parent: string | undefined,
): FakeReply {
  if (!isJsonObject(body))
    return jsonReply(state, fakeErrors.invalidArgument('Invalid JSON payload received.'));
  const modelField = body['model'];
  if (typeof modelField !== 'string' || modelField === '') {
    // Approximated: the field is required; the API names it.
    return jsonReply(
      state,
      fakeErrors.invalidArgument(
        '* CreateCachedContentRequest.cached_content.model: Model name is required.\n',
      ),
    );
  }
  const model =
    parent === undefined ? modelField.replace(/^models\//, '') : vertexModel(modelField, parent);
  if (model === undefined) {
    // Approximated (no recording of Vertex's wording): a cache names its full publisher model.
    return jsonReply(
      state,
      fakeErrors.invalidArgument(
        `[gemloop fake] On Vertex AI cached_content.model is the publisher model ${parent}/publishers/google/models/{model}; got ${JSON.stringify(modelField)}.`,
      ),
    );
  }
  if (!isKnownModel(model, state.options.models)) {
    return jsonReply(state, fakeErrors.modelNotFound(model, apiVersion, 'createCachedContent'));
  }
  const expiration = readExpiration(state, body);
  if ('error' in expiration) return jsonReply(state, expiration.error);
  const systemInstruction = readField(body, 'systemInstruction', 'system_instruction');
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  const tools = body['tools'];
  const toolConfig = readField(body, 'toolConfig', 'tool_config');
  const estimate = estimatePromptTokens({ systemInstruction, contents, tools });
  const tokens = estimate.text + estimate.media;
  const minimum = state.options.minCacheTokens ?? getMinCacheTokens(model);
  if (tokens < minimum) return jsonReply(state, cacheErrors.tooSmall(tokens, minimum));
  const time = now(state);
  const displayName = body['displayName'] ?? body['display_name'];
  const cache: FakeCache = {
    // Vertex's ids are digits (its create returns `{parent}/cachedContents/4811712834527133696`).
    name:
      parent === undefined
        ? `cachedContents/${randomBase36(state.random, 12)}`
        : `${parent}/cachedContents/${state.random.nextUint32()}${state.random.nextUint32()}`,
    model,
    parent,
    displayName: typeof displayName === 'string' ? displayName : undefined,
    systemInstruction,
    contents,
    tools,
    toolConfig,
    tokens,
    createTime: time,
    updateTime: time,
    expireTime: expiration.expireTime ?? time + DEFAULT_TTL_MS,
  };
  state.caches.set(cache.name, cache);
  return ok(state, describe(cache));
}

function list(state: FakeState, query: URLSearchParams, parent: string | undefined): FakeReply {
  const live = [...state.caches.keys()]
    .map((name) => findCache(state, name))
    .filter((cache): cache is FakeCache => cache !== undefined && cache.parent === parent);
  const pageSize = Math.min(1000, Math.max(1, Number(query.get('pageSize')) || 10));
  const offset = Math.max(0, Number(query.get('pageToken')) || 0);
  const page = live.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = {};
  // proto3 JSON omits an empty repeated field, as the API does.
  if (page.length > 0) body['cachedContents'] = page.map(describe);
  if (offset + pageSize < live.length) body['nextPageToken'] = String(offset + pageSize);
  return ok(state, body);
}

function update(
  state: FakeState,
  cache: FakeCache,
  body: unknown,
  query: URLSearchParams,
): FakeReply {
  const mask = query.get('updateMask') ?? query.get('update_mask');
  if (mask === null || mask === '') {
    // Approximated: the API needs the mask to know which expiration to take.
    return jsonReply(
      state,
      fakeErrors.invalidArgument(
        'update_mask is required: name the field to update (ttl or expire_time).',
      ),
    );
  }
  const fields = mask.split(',').map((field) => field.trim());
  const allowed = new Set(['ttl', 'expireTime', 'expire_time']);
  const bad = fields.find((field) => !allowed.has(field));
  if (bad !== undefined) {
    return jsonReply(
      state,
      fakeErrors.invalidArgument(
        `Invalid update_mask: field '${bad}' cannot be updated; only the expiration (ttl or expire_time) can.`,
      ),
    );
  }
  const expiration = readExpiration(state, isJsonObject(body) ? body : {});
  if ('error' in expiration) return jsonReply(state, expiration.error);
  if (expiration.expireTime === undefined) {
    return jsonReply(
      state,
      fakeErrors.invalidArgument(
        'The update_mask names the expiration but the body has no ttl or expire_time.',
      ),
    );
  }
  cache.expireTime = expiration.expireTime;
  cache.updateTime = now(state);
  return ok(state, describe(cache));
}

function readExpiration(
  state: FakeState,
  body: Record<string, unknown>,
): { expireTime: number | undefined } | { error: FakeHttpError } {
  const ttl = body['ttl'];
  const expire = body['expireTime'] ?? body['expire_time'];
  if (ttl !== undefined && expire !== undefined) {
    return { error: fakeErrors.invalidArgument('Only one of ttl and expire_time may be set.') };
  }
  if (ttl !== undefined) {
    const match = typeof ttl === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(ttl) : null;
    if (match === null) {
      // The proto-JSON parser's wording for a Duration that is not `<seconds>s`.
      return {
        error: fakeErrors.invalidArgument(
          `Invalid value at 'cached_content.ttl' (type.googleapis.com/google.protobuf.Duration), Field 'ttl', Illegal duration format; duration must end with 's'`,
        ),
      };
    }
    if (Number(match[1]) > MAX_DURATION_SECONDS) {
      // protobuf's JSON parser (util/internal/protostream_objectwriter.cc, RenderDuration).
      return {
        error: fakeErrors.invalidArgument(
          `Invalid value at 'cached_content.ttl' (type.googleapis.com/google.protobuf.Duration), Field 'ttl', Duration value exceeds limits`,
        ),
      };
    }
    return { expireTime: now(state) + Number(match[1]) * 1000 };
  }
  if (expire !== undefined) {
    const time = typeof expire === 'string' ? Date.parse(expire) : Number.NaN;
    if (Number.isNaN(time) || time > MAX_TIMESTAMP_MS) {
      return {
        error: fakeErrors.invalidArgument(
          `Invalid value at 'cached_content.expire_time' (type.googleapis.com/google.protobuf.Timestamp), Field 'expireTime', Invalid time format`,
        ),
      };
    }
    return { expireTime: time };
  }
  return { expireTime: undefined };
}

function describe(cache: FakeCache): Record<string, unknown> {
  const model =
    cache.parent === undefined
      ? `models/${cache.model}`
      : `${cache.parent}/publishers/google/models/${cache.model}`;
  const resource: Record<string, unknown> = { name: cache.name, model };
  if (cache.displayName !== undefined) resource['displayName'] = cache.displayName;
  resource['createTime'] = new Date(cache.createTime).toISOString();
  resource['updateTime'] = new Date(cache.updateTime).toISOString();
  resource['expireTime'] = new Date(cache.expireTime).toISOString();
  resource['usageMetadata'] = { totalTokenCount: cache.tokens };
  return resource;
}

/** The model id of a Vertex cache's `{parent}/publishers/google/models/{m}`, else `undefined`. */
function vertexModel(name: string, parent: string): string | undefined {
  const prefix = `${parent}/publishers/google/models/`;
  const id = name.startsWith(prefix) ? name.slice(prefix.length) : '';
  return /^[A-Za-z0-9._-]+$/.test(id) ? id : undefined;
}

function ok(state: FakeState, body: unknown): FakeReply {
  return jsonReply(state, { status: 200, body });
}

function now(state: FakeState): number {
  return state.options.now?.() ?? Date.now();
}

/**
 * The body a `generateContent` with `cachedContent` is answered as: the cache's instruction,
 * tools and tool config, its contents before the request's. Returns the error the API answers
 * instead, when the cache is unknown or expired, belongs to another model, or the request sets
 * `systemInstruction`, `tools` or `toolConfig` beside it.
 * @internal
 */
export function applyCachedContent(
  state: FakeState,
  body: unknown,
  model: string,
): { body: unknown; cachedTokens: number } | { error: FakeHttpError } | undefined {
  if (!isJsonObject(body)) return undefined;
  const name = readField(body, 'cachedContent', 'cached_content');
  if (name === undefined || name === null || name === '') return undefined;
  if (
    readField(body, 'systemInstruction', 'system_instruction') !== undefined ||
    body['tools'] !== undefined ||
    readField(body, 'toolConfig', 'tool_config') !== undefined
  ) {
    return { error: cacheErrors.fieldsBesideCache() };
  }
  if (typeof name !== 'string') {
    // The field is a string (the resource name): the proto-JSON parser refuses another type.
    const error = toContractError([invalidValue('cached_content', 'TYPE_STRING', name)]);
    if (error !== undefined) return { error };
  }
  const cache = findCache(state, String(name));
  if (cache === undefined) return { error: cacheErrors.notFound() };
  if (cache.model !== model) return { error: cacheErrors.otherModel(model, cache.model) };
  const merged: Record<string, unknown> = { ...body };
  delete merged['cachedContent'];
  delete merged['cached_content'];
  if (cache.systemInstruction !== undefined) merged['systemInstruction'] = cache.systemInstruction;
  if (cache.tools !== undefined) merged['tools'] = cache.tools;
  if (cache.toolConfig !== undefined) merged['toolConfig'] = cache.toolConfig;
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  merged['contents'] = [...cache.contents, ...contents];
  return { body: merged, cachedTokens: cache.tokens };
}
