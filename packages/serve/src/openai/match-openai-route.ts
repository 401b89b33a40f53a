import { unprintableIdFault } from '../door/printable-id.ts';
import { invalidRequest, OpenAIRequestError } from './openai-request-error.ts';

/** Which API a request is for, and the id in its path when it names one. @internal */
export type OpenAIRoute =
  | { kind: 'chat' | 'responses' | 'models' }
  | { kind: 'model' | 'get-response' | 'delete-response'; id: string };

/**
 * The route of `request` under `basePath`: 404 `unknown_url` for a path the door does not serve,
 * 405 with `allow` for a method the route does not take, 400 for an id that is not printable.
 * @throws {@link OpenAIRequestError} as said.
 * @internal
 */
export function matchOpenAIRoute(request: Request, basePath: string): OpenAIRoute {
  const path = new URL(request.url).pathname;
  const rest = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
  const method = request.method;
  // A GET route answers HEAD too (RFC 9110 section 9.1): the adapters send its head only.
  const read = method === 'GET' || method === 'HEAD';
  const routes: [string, string, (id: string) => OpenAIRoute][] = [
    ['POST', '/chat/completions', () => ({ kind: 'chat' })],
    ['POST', '/responses', () => ({ kind: 'responses' })],
    ['GET', '/models', () => ({ kind: 'models' })],
  ];
  for (const [verb, route, make] of routes) {
    if (rest === route) {
      if (verb === 'GET' ? !read : method !== verb) {
        throw notAllowed(method, verb === 'GET' ? 'GET, HEAD' : verb);
      }
      return make('');
    }
  }
  const item = rest === undefined ? undefined : /^\/(models|responses)\/([^/]{1,200})$/.exec(rest);
  if (item !== null && item !== undefined) {
    const id = decodeId(item[2] as string);
    // A response's id is printable, as every door's ids (door/printable-id.ts): `%1b` or
    // `%E2%80%AE` decode to one. A model's is only looked up among the served agents' names.
    const unprintable =
      item[1] === 'responses' ? unprintableIdFault('The id in the path', id) : undefined;
    if (unprintable !== undefined) throw invalidRequest(null, unprintable, 'invalid_path');
    if (item[1] === 'responses' && method === 'DELETE') return { kind: 'delete-response', id };
    if (!read)
      throw notAllowed(method, item[1] === 'responses' ? 'GET, HEAD, DELETE' : 'GET, HEAD');
    return { kind: item[1] === 'models' ? 'model' : 'get-response', id };
  }
  throw new OpenAIRequestError({
    status: 404,
    type: 'invalid_request_error',
    errorCode: 'unknown_url',
    message:
      'Unknown route: this server answers /v1/chat/completions, /v1/responses and /v1/models.',
  });
}

/** A path segment decoded; a broken percent-encoding is the caller's 400, not the door's URIError. */
function decodeId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest(
      null,
      'The id in the path is not valid percent-encoding: send it as the API gave it.',
      'invalid_path',
    );
  }
}

function notAllowed(method: string, allow: string) {
  return new OpenAIRequestError({
    status: 405,
    type: 'invalid_request_error',
    errorCode: 'method_not_allowed',
    message: `${method.slice(0, 16)} is not allowed on this route: use ${allow}.`,
    allow,
  });
}
