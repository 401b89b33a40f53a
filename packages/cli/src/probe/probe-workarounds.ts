import type { ProbePropertyId } from './probe-types.ts';

/** One line per property: what is checked. @internal */
export const PROBE_TITLES: Readonly<Record<ProbePropertyId, string>> = {
  'auth-x-goog-api-key': 'x-goog-api-key header accepted',
  'auth-bearer': 'Authorization: Bearer accepted',
  'alt-sse': 'alt=sse honoured (text/event-stream)',
  'sse-framing': 'SSE framing: Gemini chunks only, no [DONE]',
  'function-call-ids': 'function calls carry ids',
  'thought-signature-round-trip': 'thought signature kept and accepted back',
  'parallel-calls': 'parallel function calls in one turn',
  'search-with-functions': 'Google Search beside function declarations',
  'json-schema': 'JSON mode with responseJsonSchema',
  'usage-fields': 'usageMetadata token counts',
  'error-body': 'errors in Google shape {error:{code,message,status}}',
  'retry-info': 'RetryInfo on 429',
};

/**
 * For each property, what gemloop does when the gateway fails it, and what it cannot do.
 * @internal
 */
export const PROBE_WORKAROUNDS: Readonly<Record<ProbePropertyId, string>> = {
  'auth-x-goog-api-key':
    "Works around: createGemini({ auth: 'bearer' }) sends the key as Authorization: Bearer. Nothing is lost.",
  'auth-bearer':
    "Works around: keep the default auth ('x-goog-api-key'). Nothing is lost; other SDKs that only send Bearer will fail here.",
  'alt-sse':
    'Cannot stream: gemloop reads streams as SSE only, so agent.stream() and streamGenerateContent fail with a StreamError. Works around: use agent.run() (generateContent), which does not stream.',
  'sse-framing':
    'Works around: a trailing [DONE] event is skipped. Cannot: OpenAI-style chunks on the native endpoint carry no Gemini candidates, so a stream yields no text or calls; use agent.run() instead of stream().',
  'function-call-ids':
    'Works around: calls without ids get local ids that never go on the wire, and responses are matched to calls by order (as on Gemini 2.5). Cannot: tell two calls of the same function apart if the gateway also reorders them.',
  'thought-signature-round-trip':
    "Works around: the agent signs a call turn that arrived without its signature with the documented dummy 'skip_thought_signature_validator', so the loop goes on. Cannot: recover the model's reasoning between steps (quality may drop), or use a signature the gateway moved onto a text part.",
  'parallel-calls':
    'Works around: the loop runs whatever calls arrive; one call per turn only costs more steps (raise maxSteps). Cannot: make the gateway return several calls at once.',
  'search-with-functions':
    'Works around: createAgent({ capabilities: { combinesBuiltinAndFunctionTools: false } }) runs Google Search as a function tool through a separate model call (one extra call per search). Cannot: ground the main call itself.',
  'json-schema':
    'Works around: give the agent an output schema; the answer is parsed and validated, and re-asked with the errors (maxReasks). Cannot: make the gateway constrain decoding, so more re-asks and failures are likely.',
  'usage-fields':
    'Cannot: token counts read as 0, so result.usage, cost tracking and the cache savings report are wrong for this gateway.',
  'error-body':
    'Works around: retries still follow the HTTP status, and the raw body is kept on ApiCallError.responseBody. Cannot: read googleStatus, details or quota ids (isDailyQuota), so a spent daily quota is retried like a per-minute one.',
  'retry-info':
    'Works around: gemloop falls back to the Retry-After header, then to its own exponential backoff. Cannot: wait exactly as long as the server asks, so retries may hit the limit again.',
};
