/**
 * The error a 2xx answer (a body, or one stream event) carries in place of the method's answer:
 * Google's `{"error": {...}}`, plain or array-wrapped (`[{"error": ...}]`, the form
 * `streamGenerateContent` answers without `alt=sse`), or a gateway's `{"error": "text"}`.
 * `undefined` when the answer is no error: an `error` that is `null`, `false`, `0` or blank, and
 * any object that has `candidates` or a string `name` (a Files API file in `state: FAILED` and a
 * failed batch operation carry their google.rpc.Status as `error`: they are resources), and an
 * interaction (a string `id` and `status`: a `failed` one carries its error there, the
 * Interactions API's `Interaction.error`, and was thrown as an ApiCallError on a unary call where
 * a streamed one ends in InteractionFailedError).
 *
 * One rule for the unary read (read-json-response.ts) and the stream's (attack60b): the stream
 * took any non-null `error` for one, so a chunk with `"error": false` beside its candidates failed
 * a streamed call whose unary twin succeeded, and `{"error": "quota exceeded"}` failed a stream
 * but was a unary call's empty answer.
 * @internal
 */
export function findCarriedError(value: unknown): object | string | undefined {
  const root: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  if ('candidates' in root) return undefined;
  const { error, name, id, status } = root as {
    error?: unknown;
    name?: unknown;
    id?: unknown;
    status?: unknown;
  };
  if (typeof name === 'string') return undefined;
  if (typeof id === 'string' && typeof status === 'string') return undefined;
  if (typeof error === 'string') return error.trim() === '' ? undefined : error;
  return typeof error === 'object' && error !== null ? error : undefined;
}
