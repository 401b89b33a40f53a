import type { CreateApiCallErrorOptions } from '../errors/api-call/create-api-call-error.ts';
import { STREAM_ERROR_EVENT_CHARS } from '../errors/stream-error.ts';
import type { CredentialStyle } from '../shared/credential-style.ts';
import { cutText } from '../shared/cut-text.ts';
import { withoutCutKey } from '../shared/redact-secrets.ts';

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

/**
 * What a `StreamError` keeps of the event at fault: its first {@link STREAM_ERROR_EVENT_CHARS},
 * with a key of the client's that the cut went through redacted. The error is scrubbed of whole
 * keys once thrown (toAttemptError), but a cut key's first characters are no key any more: a
 * gateway's echo of it across character 1,000 left up to 38 of its 39 on `error.event`
 * (attack60b).
 * @internal
 */
export function shownEvent(text: string, context: StreamErrorContext | undefined): string {
  const secrets = context?.secrets?.values;
  if (secrets === undefined || secrets.length === 0) return text;
  return withoutCutKey(cutText(text, STREAM_ERROR_EVENT_CHARS), secrets);
}
