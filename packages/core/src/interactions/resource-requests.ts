import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CheckContext } from '../http/attempts/check-responses.ts';
import { withRequestPath } from '../http/attempts/load-request-path.ts';
import { invalidResponse } from '../http/attempts/read-json-response.ts';
import type { CallOptions } from '../http/call-options.ts';
import { internalsOf } from '../http/files/create-files.ts';
import { refuseOnVertex, toUnsupportedEndpoint } from '../http/files/endpoint-support.ts';
import type { Gemini } from '../http/gemini.ts';
import { resolveCallOptions } from '../http/options/resolve-call-options.ts';
import { describeValue } from '../options/define-options.ts';
import { INTERACTIONS_API_REVISION } from './create-interactions.ts';

/** The page options of a list call of the agents, environments, webhooks and triggers APIs. */
export type ResourceListOptions = CallOptions & {
  /** The most items one page holds (1 to 1000; the server may return fewer). */
  pageSize?: number | undefined;
  /** The `next_page_token` of the previous page. */
  pageToken?: string | undefined;
};

/** One request of the resources beside the Interactions API. @internal */
export type ResourceRequest<T> = {
  /** The method's name in errors and logs, e.g. `agents.create`. */
  method: string;
  /** The path under the API version, e.g. `agents/code-reviewer`. */
  path: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  options: CallOptions | undefined;
  body?: unknown;
  check: (value: unknown, context: CheckContext) => T;
  /** Scrubs secrets from the response body before a trace log shows it. */
  redactBody?: ((text: string) => string) | undefined;
};

/** Sends {@link ResourceRequest}s on one client's request path. @internal */
export type ResourceSender = <T>(request: ResourceRequest<T>) => Promise<T>;

// Ids are opaque tokens (a managed agent's is the user's own, e.g. `code-reviewer`): this keeps a
// path segment, a query and a hostile value out of the URL.
const RESOURCE_ID = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * The request path of the Interactions API's sibling resources (`/{v}/agents`, `/environments`,
 * `/webhooks`, `/triggers`: `@google/genai`'s `src/gaos/funcs/*`), with the same retries, time
 * limits, errors, logging and redaction as every call, and the Interactions API's revision header.
 * A Vertex AI client is refused before anything is sent (the Gemini API serves them).
 * @internal
 */
export function resourceSender(gemini: Gemini, factory: string): ResourceSender {
  const { client, defaults } = internalsOf(gemini, factory);
  return <T>(request: ResourceRequest<T>): Promise<T> => {
    refuseOnVertex(
      client,
      request.method,
      'Managed agents, environments, webhooks and triggers are served by the Gemini API only.',
    );
    const resolved = resolveCallOptions(request.options, client, defaults);
    const call = {
      ...resolved,
      headers: { ...resolved.headers, 'api-revision': INTERACTIONS_API_REVISION },
    };
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method: request.method,
        url: `${client.root}${request.path}`,
        httpMethod: request.httpMethod,
        allowEmptyBody: request.httpMethod === 'DELETE',
        check: request.check,
        redactBody: request.redactBody,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      }),
    ).catch((error: unknown) => {
      throw toUnsupportedEndpoint(error, client, request.method);
    });
  };
}

/** `id`, checked to be an id a URL path may hold. @internal */
export function checkResourceId(id: unknown, argument: string, what: string): string {
  // '.' and '..' are dot segments: a URL resolves `agents/..` to the API root, `agents/.` to the
  // collection (WHATWG URL), so delete('..') would send DELETE /v1beta/.
  if (typeof id !== 'string' || !RESOURCE_ID.test(id) || id === '.' || id === '..') {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be the id of ${what} (letters, digits, \`.\`, \`_\`, \`~\`, \`-\`; 1 to 512 characters); got ${describeValue(id)}.`,
    });
  }
  return id;
}

/** A request body, checked to be a plain object. @internal */
export function checkBody<T>(value: T, argument: string, example: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an object, e.g. ${example}.`,
    });
  }
  return value;
}

/** The `?page_size=&page_token=` query of a list call (the API's own spelling). @internal */
export function toListQuery(options: ResourceListOptions | undefined): string {
  if (options === undefined) return '';
  const { pageSize, pageToken } = options;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
    throw new InvalidArgumentError({
      argument: 'options.pageSize',
      message: `options.pageSize must be an integer from 1 to 1000; got ${describeValue(pageSize)}.`,
    });
  }
  if (pageToken !== undefined && (typeof pageToken !== 'string' || pageToken === '')) {
    throw new InvalidArgumentError({
      argument: 'options.pageToken',
      message: 'options.pageToken must be the non-empty next_page_token of a previous page.',
    });
  }
  const query = new URLSearchParams();
  if (pageSize !== undefined) query.set('page_size', String(pageSize));
  if (pageToken !== undefined) query.set('page_token', pageToken);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** The call options of list options (without the page fields). @internal */
export function callOptionsOf(options: ResourceListOptions | undefined): CallOptions | undefined {
  if (options === undefined) return undefined;
  const { pageSize: _size, pageToken: _token, ...rest } = options;
  return rest;
}

/** A check that the answer is an object with a string `id`. @internal */
export function resourceCheck<T>(what: string): (value: unknown, context: CheckContext) => T {
  return (value, context) => {
    if (
      typeof value !== 'object' ||
      value === null ||
      typeof (value as { id?: unknown }).id !== 'string'
    ) {
      throw invalidResponse(context, `returned a body that is not ${what} with an \`id\``);
    }
    return value as T;
  };
}

/** A check that the answer is a page whose `field` is an array (or absent: an empty page). @internal */
export function pageCheck<T>(field: string): (value: unknown, context: CheckContext) => T {
  return (value, context) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidResponse(context, 'returned a list page that is not an object');
    }
    const items = (value as Record<string, unknown>)[field];
    if (items !== undefined && !Array.isArray(items)) {
      throw invalidResponse(context, `returned a list page whose \`${field}\` is not an array`);
    }
    return { ...(value as object), [field]: items ?? [] } as T;
  };
}

/** The `get`, `list` and `delete` every one of these resources has. @internal */
export type ResourceReads<T, Page> = {
  get(id: string, options?: CallOptions): Promise<T>;
  list(options?: ResourceListOptions): Promise<Page>;
  delete(id: string, options?: CallOptions): Promise<void>;
};

/**
 * `get`, `list` and `delete` of the collection `collection` (`agents`, `environments`, ...):
 * `GET /{v}/{collection}/{id}`, `GET /{v}/{collection}[?page_size&page_token]` (its items under
 * `collection`), `DELETE /{v}/{collection}/{id}`.
 * @internal
 */
export function resourceReads<T, Page>(
  send: ResourceSender,
  collection: string,
  /** What an item is, in messages: `a managed agent`. */
  what: string,
): ResourceReads<T, Page> & {
  path(id: unknown): string;
  check: (value: unknown, context: CheckContext) => T;
} {
  const path = (id: unknown) => `${collection}/${checkResourceId(id, 'id', what)}`;
  const check = resourceCheck<T>(what);
  return {
    path,
    check,
    // Async, so a bad id or list option rejects the promise like a failed request, never throws
    // where the call is made.
    get: async (id, options) => {
      const asked = path(id);
      return send({
        method: `${collection}.get`,
        path: asked,
        httpMethod: 'GET',
        options,
        check: (value, context) => sameResource(check(value, context), asked, what, context),
      });
    },
    list: async (options) =>
      send({
        method: `${collection}.list`,
        path: `${collection}${toListQuery(options)}`,
        httpMethod: 'GET',
        options: callOptionsOf(options),
        check: pageCheck<Page>(collection),
      }),
    async delete(id, options) {
      await send({
        method: `${collection}.delete`,
        path: path(id),
        httpMethod: 'DELETE',
        options,
        check: () => undefined,
      });
    },
  };
}

/**
 * `item`, when its `id` names the resource at `asked` (`agents/code-reviewer`): `@google/genai`
 * documents both forms of these ids (`environments/{environment_id}` or `{environment_id}`), so
 * either is taken. Another id is the server's (a cache keyed without the path, a mix-up behind a
 * load balancer): refused, as `interactions.get` refuses another interaction, so that `fork` does
 * not copy another agent. The answered id is only in the body's (redacted) excerpt: a gateway may
 * echo the key as it.
 */
function sameResource<T>(item: T, asked: string, what: string, context: CheckContext): T {
  const { id } = item as { id: string };
  const bare = asked.slice(asked.indexOf('/') + 1);
  if (id === asked || id === bare) return item;
  throw invalidResponse(context, `returned another ${what.replace(/^an? /, '')} than ${bare}`);
}
