import type { CreateApiCallErrorOptions } from '../errors/api-call/create-api-call-error.ts';
import type { CredentialStyle } from '../shared/credential-style.ts';

/**
 * What an error object found inside a stream needs besides the stream, passed to
 * `createApiCallError` only when one is built. Plain data: the secret list and the response ride
 * along and are read then (the secrets as they are at that moment, a token fetched since
 * included; the node transport builds a `Headers` object only when asked), where an object literal
 * with getters would be a dictionary-mode object in V8 on every stream.
 * @internal
 */
export type StreamErrorContext = {
  /** Which attempt (1-based) the stream belongs to. */
  attempt?: number | undefined;
  /** Which auth header was sent, for the bad-key message (never the key). */
  auth?: CredentialStyle | undefined;
  /** The client's secrets, scrubbed from what the error quotes. */
  secrets?: { readonly values: readonly string[] } | undefined;
  /** The response, for its status and headers. */
  response?:
    | {
        readonly status?: number | undefined;
        readonly headers: Headers | Readonly<Record<string, string>>;
      }
    | undefined;
};

/**
 * The `createApiCallError` options a {@link StreamErrorContext} gives, read now: the secrets as
 * they are and the response's headers (built here by the node transport, on an error only).
 * @internal
 */
export function streamErrorFields(
  context: StreamErrorContext | undefined,
  /** The chunks (or events) the stream delivered before the error. */
  chunksDelivered: number,
): Pick<
  CreateApiCallErrorOptions,
  'attempt' | 'auth' | 'redact' | 'responseHeaders' | 'carriedBy'
> {
  return {
    attempt: context?.attempt,
    auth: context?.auth,
    redact: context?.secrets?.values,
    responseHeaders: context?.response?.headers,
    // An error object in a stream: the HTTP status was the stream's (2xx), not the object's code.
    carriedBy: { kind: 'stream', httpStatus: context?.response?.status, chunksDelivered },
  };
}
