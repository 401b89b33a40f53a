import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';

// Ids are lowercase letters and digits (and dashes on some backends); Vertex's are digits.
const CACHE_ID = '[A-Za-z0-9_-]+';
const CACHE_NAME = new RegExp(`^cachedContents/${CACHE_ID}$`);
const BARE_ID = new RegExp(`^${CACHE_ID}$`);
// What Vertex returns: `projects/{project}/locations/{location}/cachedContents/{id}`.
const VERTEX_CACHE_NAME = new RegExp(
  `^projects/([a-z0-9-]+)/locations/([a-z0-9-]+)/cachedContents/${CACHE_ID}$`,
);

/**
 * Where a client's cache routes start and how it spells their names. The Gemini API's are
 * `v1beta/cachedContents[/{id}]` (ai.google.dev/api/caching). Vertex AI's sit under the project
 * and location, not under `publishers/google/` like the model routes:
 * `v1/projects/{p}/locations/{l}/cachedContents[/{id}]`, and a cache's model is the full publisher
 * model name `projects/{p}/locations/{l}/publishers/google/models/{m}`
 * (cloud.google.com/vertex-ai/generative-ai/docs/context-cache/context-cache-create; js-genai
 * `_transformers.ts` `tCachedContentName` and `tCachesModel` build the same).
 * @internal
 */
export type CacheRoutes = {
  /** The URL of the collection: create (POST) and list (GET) go there. */
  collection: string;
  /** The URL of one cache, from any name a user may hold (see {@link CacheRoutes.toName}). */
  urlOf(name: unknown, argument?: string): string;
  /** The full resource name of a cache as this platform spells it. */
  toName(name: unknown, argument?: string): string;
  /** The model a create body names: `models/m` on the Gemini API, the publisher model on Vertex. */
  toModel(modelPath: string): string;
};

/** The cache routes of a client. @internal */
export function cacheRoutesOf(client: ResolvedClientOptions): CacheRoutes {
  const vertex = client.vertex;
  if (vertex === undefined) {
    return {
      collection: `${client.root}cachedContents`,
      urlOf: (name, argument) => `${client.root}${toCachePath(name, argument)}`,
      toName: toCachePath,
      toModel: (modelPath) => modelPath,
    };
  }
  const parent = `projects/${vertex.project}/locations/${vertex.location}`;
  // The model routes' root ends in `publishers/google/`; resources hang off the version.
  const versionRoot = `${client.baseUrl}/${client.apiVersion}/`;
  const toName = (name: unknown, argument = 'name'): string => {
    if (typeof name === 'string') {
      const full = VERTEX_CACHE_NAME.exec(name);
      if (full !== null) {
        if (full[1] === vertex.project && full[2] === vertex.location) return name;
        throw new InvalidArgumentError({
          argument,
          message: `${argument} ${describeValue(name)} is a cache of ${full[1]}/${full[2]}; this client reaches ${vertex.project}/${vertex.location}. Use a client made with vertex: { project: '${full[1]}', location: '${full[2]}' }.`,
        });
      }
      if (CACHE_NAME.test(name) || BARE_ID.test(name)) {
        return `${parent}/${toCachePath(name, argument)}`;
      }
    }
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a cache name such as '${parent}/cachedContents/123' (the name caches.create returned), 'cachedContents/123' or '123'; got ${describeValue(name)}.`,
    });
  };
  return {
    collection: `${versionRoot}${parent}/cachedContents`,
    urlOf: (name, argument) => `${versionRoot}${toName(name, argument)}`,
    toName,
    toModel: (modelPath) =>
      modelPath.startsWith('models/') ? `${parent}/publishers/google/${modelPath}` : modelPath,
  };
}

/**
 * The resource path of a Gemini API cache: `cachedContents/abc` as is, a bare `abc` prefixed.
 * @internal
 */
export function toCachePath(name: unknown, argument = 'name'): string {
  if (typeof name === 'string') {
    if (CACHE_NAME.test(name)) return name;
    if (BARE_ID.test(name)) return `cachedContents/${name}`;
  }
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be a cache name such as 'cachedContents/abc123' (the name caches.create returned); got ${describeValue(name)}.`,
  });
}

/**
 * A Vertex request with its `cachedContent` spelled in full (`projects/{p}/locations/{l}/
 * cachedContents/{id}`), as Vertex needs it and js-genai's `tCachedContentName` writes it; the
 * same object when there is nothing to change. A name Vertex cannot read is refused here, by name.
 * @internal
 */
export function withVertexCacheName<T extends { cachedContent?: string | undefined }>(
  request: T,
  client: ResolvedClientOptions,
  argument: string,
): T {
  const name = request.cachedContent;
  if (typeof name !== 'string') return request;
  const full = cacheRoutesOf(client).toName(name, `${argument}.cachedContent`);
  return full === name ? request : { ...request, cachedContent: full };
}
