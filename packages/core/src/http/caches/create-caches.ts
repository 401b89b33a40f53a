import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { CachedContent } from '../../wire/cached-content.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import {
  readCachedContentResponse,
  readCacheListResponse,
} from '../attempts/check-resource-responses.ts';
import { withRequestPath } from '../attempts/load-request-path.ts';
import { buildGenerateContentBody } from '../build-generate-content-body.ts';
import type { CacheExpiration, Caches, CreateCacheRequest } from '../gemini.ts';
import { listAllPages } from '../list-all-pages.ts';
import {
  listOptionsDeclaration,
  type ResolvedCallOptions,
  resolveCallOptions,
} from '../options/resolve-call-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';
import { toModelPath } from '../options/to-model-path.ts';
import { toPageQuery } from '../options/to-page-query.ts';
import { cacheRoutesOf } from './cache-paths.ts';

const CREATE_KEYS = new Set([
  'model',
  'displayName',
  'systemInstruction',
  'contents',
  'tools',
  'toolConfig',
  'ttlSeconds',
  'expireTime',
]);

/**
 * The `cachedContents` methods of a client: the same request path as the model calls
 * (`requestJson`: retries, attempt time limits, typed `ApiCallError`s, debug lines, redaction),
 * loaded on the first call (`withRequestPath`), and the same response checks (`check-responses.ts`).
 * Routes and bodies: ai.google.dev/api/caching (create `POST v1beta/cachedContents`, get/patch/
 * delete `v1beta/{name=cachedContents/*}`, list `GET v1beta/cachedContents?pageSize&pageToken`,
 * patch with `updateMask`), the same routes googleapis/js-genai's `caches.ts` calls; Vertex AI's
 * sit under the project and location (see `cache-paths.ts`).
 * @internal
 */
export function createCaches(
  client: ResolvedClientOptions,
  defaults: ResolvedCallOptions,
  serialize: (body: unknown) => string,
): Caches {
  const routes = cacheRoutesOf(client);
  const caches: Caches = {
    async create(request, callOptions) {
      const body = toCreateBody(request);
      body.model = routes.toModel(body.model);
      const call = resolveCallOptions(callOptions, client, defaults);
      const sent = serialize(body);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'caches.create',
          model: body.model,
          url: routes.collection,
          httpMethod: 'POST',
          body: sent,
          check: readCachedContentResponse,
        }),
      );
    },

    async get(name, callOptions) {
      const url = routes.urlOf(name);
      const call = resolveCallOptions(callOptions, client, defaults);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'caches.get',
          url,
          httpMethod: 'GET',
          check: readCachedContentResponse,
        }),
      );
    },

    async list(listOptions) {
      const call = resolveCallOptions(listOptions, client, defaults, listOptionsDeclaration);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'caches.list',
          url: `${routes.collection}${toPageQuery(listOptions)}`,
          httpMethod: 'GET',
          check: readCacheListResponse,
        }),
      );
    },

    listAll(listOptions) {
      return listAllPages({
        method: 'caches.list',
        url: routes.collection,
        secrets: client.secrets,
        listPage: async (pageToken) => {
          const page = await caches.list({ ...listOptions, pageToken });
          return { items: page.cachedContents, nextPageToken: page.nextPageToken };
        },
      });
    },

    async update(name, expiration, callOptions) {
      const url = routes.urlOf(name);
      const fields = toExpiration(expiration, 'expiration');
      const mask = Object.keys(fields)[0];
      if (mask === undefined) {
        throw new InvalidArgumentError({
          argument: 'expiration',
          message:
            'caches.update needs { ttlSeconds } or { expireTime }: the expiration is the only field the API lets you change.',
        });
      }
      const call = resolveCallOptions(callOptions, client, defaults);
      const sent = serialize(fields);
      return withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'caches.update',
          url: `${url}?updateMask=${mask}`,
          httpMethod: 'PATCH',
          body: sent,
          check: readCachedContentResponse,
        }),
      );
    },

    async delete(name, callOptions) {
      const url = routes.urlOf(name);
      const call = resolveCallOptions(callOptions, client, defaults);
      await withRequestPath(({ requestJson }) =>
        requestJson({
          client,
          call,
          method: 'caches.delete',
          url,
          httpMethod: 'DELETE',
          // The API answers `{}`; an empty body is fine too.
          check: () => undefined,
          allowEmptyBody: true,
        }),
      );
    },
  };
  return caches;
}

function toCreateBody(request: CreateCacheRequest): CachedContent & { model: string } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message:
        "caches.create takes an object such as { model: 'gemini-2.5-flash', systemInstruction, contents, ttlSeconds: 600 }.",
    });
  }
  for (const key in request) {
    if (!CREATE_KEYS.has(key)) {
      throw new InvalidArgumentError({
        argument: `request.${key}`,
        message: `Unknown caches.create field '${key}'; the fields are ${[...CREATE_KEYS].join(', ')}.`,
      });
    }
  }
  const model = toModelPath(request.model, 'request.model');
  const { contents, systemInstruction, tools, toolConfig, displayName } = request;
  if (
    contents === undefined &&
    systemInstruction === undefined &&
    tools === undefined &&
    toolConfig === undefined
  ) {
    throw new InvalidArgumentError({
      argument: 'request',
      message:
        'caches.create needs something to cache: contents, systemInstruction, tools or toolConfig.',
    });
  }
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length > 128)) {
    throw new InvalidArgumentError({
      argument: 'request.displayName',
      message: 'request.displayName must be a string of at most 128 characters.',
    });
  }
  // The same checks and conversions as a generateContent body (a string instruction becomes a
  // Content, tools and toolConfig are checked); the placeholder contents are dropped after.
  const checked = buildGenerateContentBody(
    {
      model,
      contents: contents ?? '-',
      systemInstruction,
      tools,
      toolConfig,
    } as GenerateContentRequest,
    'request',
  );
  const body: CachedContent & { model: string } = { model };
  if (displayName !== undefined) body.displayName = displayName;
  if (checked.systemInstruction !== undefined) body.systemInstruction = checked.systemInstruction;
  if (contents !== undefined) body.contents = checked.contents;
  if (tools !== undefined) body.tools = checked.tools;
  if (toolConfig !== undefined) body.toolConfig = checked.toolConfig;
  Object.assign(body, toExpiration(request, 'request'));
  return body;
}

/** `{ ttl: '600s' }`, `{ expireTime }` or `{}`. */
function toExpiration(
  expiration: CacheExpiration,
  argument: string,
): { ttl: string } | { expireTime: string } | Record<string, never> {
  if (typeof expiration !== 'object' || expiration === null) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be { ttlSeconds } or { expireTime }.`,
    });
  }
  const { ttlSeconds, expireTime } = expiration;
  if (ttlSeconds !== undefined && expireTime !== undefined) {
    throw new InvalidArgumentError({
      argument: `${argument}.ttlSeconds`,
      message: 'Give ttlSeconds or expireTime, not both (the API takes one expiration).',
    });
  }
  if (ttlSeconds !== undefined) return { ttl: toDuration(ttlSeconds, `${argument}.ttlSeconds`) };
  if (expireTime !== undefined) {
    const date = expireTime instanceof Date ? expireTime : new Date(expireTime);
    if (Number.isNaN(date.getTime())) {
      throw new InvalidArgumentError({
        argument: `${argument}.expireTime`,
        message: `${argument}.expireTime must be a Date or an RFC 3339 time such as '2026-11-22T15:00:00Z'.`,
      });
    }
    return { expireTime: date.toISOString() };
  }
  return {};
}

/**
 * The longest protobuf `Duration` (google/protobuf/duration.proto: 10,000 years of seconds): the
 * API refuses a TTL past it, and a number past 1e21 would be written `1e+21s`, no Duration at all.
 */
const MAX_DURATION_SECONDS = 315_576_000_000;

function toDuration(value: number | string, argument: string): string {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(?:\.\d+)?s$/.test(value)
        ? Number(value.slice(0, -1))
        : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_DURATION_SECONDS)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a positive number of seconds (or '300s'), at most ${MAX_DURATION_SECONDS} (10,000 years); got ${JSON.stringify(value) ?? String(value)}.`,
    });
  }
  return `${seconds}s`;
}
