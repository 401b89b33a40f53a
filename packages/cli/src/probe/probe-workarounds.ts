import type { ProbePropertyId } from './probe-types.ts';

/** One line per property: what is checked. @internal */
export const PROBE_TITLES: Readonly<Record<ProbePropertyId, string>> = {
  'auth-x-goog-api-key': 'x-goog-api-key header accepted',
  'auth-bearer': 'Authorization: Bearer accepted',
  'alt-sse': 'alt=sse honoured (text/event-stream)',
  'sse-framing': 'SSE framing: Gemini chunks only, no [DONE]',
  'stream-chunks': 'stream arrives in several chunks, not buffered',
  'finish-reasons': "finishReason uses Gemini's names (STOP, ...)",
  'field-names': "field names in the API's camelCase (usageMetadata, ...)",
  'function-call-ids': 'function calls carry ids',
  'thought-signature-round-trip': 'thought signature kept and accepted back',
  'parallel-calls': 'parallel function calls in one turn',
  'search-with-functions': 'Google Search beside functions, grounded',
  'json-schema': 'responseJsonSchema obeyed (answer matches it)',
  'system-instruction': 'systemInstruction reaches the model',
  'usage-fields': 'usageMetadata counts: non-zero, sum to the total',
  'error-body': 'errors in Google shape {error:{code,message,status}}',
  'retry-info': 'RetryInfo on 429',
  'interactions-create': 'Interactions API served (POST /interactions, typed steps)',
  'interactions-state': 'previous_interaction_id continues on the server',
  'interactions-stream': 'Interactions SSE events carry event_type and event_id',
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
    'Cannot stream: the answer is neither SSE nor the JSON-array form, so agent.stream() and streamGenerateContent fail with a StreamError. Works around: use agent.run() (generateContent), which does not stream.',
  'sse-framing':
    'Works around: a trailing [DONE] event is skipped. Cannot: OpenAI-style chunks on the native endpoint carry no Gemini candidates, so a stream yields no text or calls; use agent.run() instead of stream().',
  'stream-chunks':
    'Works around: nothing breaks: agent.stream() still yields the whole answer and the same result. Cannot: stream it: the text comes as one text-delta at the end, so a user sees nothing until the model has finished.',
  'finish-reasons':
    "Cannot: gemloop reads finishReason by Gemini's names, so an OpenAI-style 'stop' or 'tool_calls' is an unknown reason: a run ends after its first step with finishReason 'other', no tool run and no text, although the model answered.",
  'field-names':
    'Works around: gemloop reads an answer written in the proto field names (usage_metadata, finish_reason, function_call) as the camelCase one it is, unary, streamed and continued, so nothing is lost in gemloop. Other clients that read only camelCase miss the calls, the usage and the finish reason: use gemloop, or configure the gateway to answer in camelCase JSON.',
  'function-call-ids':
    'Works around: calls without ids get local ids that never go on the wire, and responses are matched to calls by order (as on Gemini 2.5). Cannot: tell two calls of the same function apart if the gateway also reorders them.',
  'thought-signature-round-trip':
    "Works around: the agent signs a call turn that arrived without its signature with the documented dummy 'skip_thought_signature_validator', so the loop goes on. Cannot: recover the model's reasoning between steps (quality may drop), or use a signature the gateway moved onto a text part.",
  'parallel-calls':
    'Works around: the loop runs whatever calls arrive; one call per turn only costs more steps (raise maxSteps). Cannot: make the gateway return several calls at once.',
  'search-with-functions':
    'Works around: createAgent({ capabilities: { combinesBuiltinAndFunctionTools: false } }) runs Google Search as a function tool through a separate model call (one extra call per search). Cannot: ground the main call itself.',
  'json-schema':
    'Works around: an agent with an output schema validates the answer and re-asks with the errors (maxReasks, default 2). Cannot: make the gateway constrain decoding: answers that miss the schema keep coming, and the run then throws OutputValidationError.',
  'system-instruction':
    "Cannot: the agent's instructions never reach the model: a run answers as if createAgent had no instructions (its rules, persona and answer format are lost). Works around: none in gemloop; put the instructions in the first user message yourself.",
  'usage-fields':
    'Cannot: result.usage carries what the gateway reports, so missing or zeroed counts read as 0, and result.usage, cost tracking, totalTokensExceed and the cache savings report are wrong for this gateway.',
  'error-body':
    'Works around: retries still follow the HTTP status, and the raw body is kept on ApiCallError.responseBody. Cannot: read googleStatus, details or quota ids (isDailyQuota), so a spent daily quota is retried like a per-minute one.',
  'retry-info':
    'Works around: gemloop falls back to the Retry-After header, then to its own exponential backoff. Cannot: wait exactly as long as the server asks, so retries may hit the limit again.',
  'interactions-create':
    "Cannot work around: this endpoint does not serve the Interactions API. Keep the agent on generateContent (the default api), which gateways serve; createInteractions and api: interactionsApi() need Google's API.",
  'interactions-state':
    'Works around: api: interactionsApi({ store: false }) sends the whole history each step. Lost: the O(1) request per step of server state.',
  'interactions-stream':
    'Works around: run the agent unary (agent.run). Lost: streaming and resuming a dropped stream from its last event_id.',
};

/**
 * Advice for a failure whose cause changes what gemloop does, instead of the property's default
 * in {@link PROBE_WORKAROUNDS}. Each was checked by running gemloop's agent behind a gateway
 * double that makes that mistake (`run-probe.gateways.test.ts`).
 * @internal
 */
export const PROBE_ADVICE_VARIANTS = {
  // Either auth line whose 200 is neither a Gemini answer nor a Google error (an HTML page, say):
  // whichever header was sent, the URL is not a Gemini API, so switching headers helps nobody
  // (run-probe.not-gemini.test.ts).
  'auth/not-gemini':
    "Cannot: use this URL at all: it answers, but not with Gemini's API, whichever auth header is sent. Check --base-url (the gateway's API root, e.g. https://api.cometapi.com, not its web site or console) and --api-version.",
  'alt-sse/json-array':
    'Works around: gemloop also reads the JSON-array stream (what streamGenerateContent sends without alt=sse) as it arrives, so agent.stream() works and nothing is lost. Other SDKs that expect SSE fail here.',
  'thought-signature-round-trip/refused-on-return':
    'Cannot: use function tools on Gemini 3 through this gateway: the signed turn gemloop sends back verbatim is refused (the gateway drops or changes its signature on the way), so the step after every function call fails with ModelCallError (ApiCallError 400). Works around: a Gemini 2.5 model needs no signatures.',
  'search-with-functions/no-grounding':
    'Cannot: ground answers through this gateway: the run ends normally, but result.grounding is empty (no sources, no search queries) and the answer comes from what the model knows.',
  'usage-fields/thoughts-folded':
    'Cannot: result.usage.thoughtsTokenCount reads 0 and candidatesTokenCount includes the thinking; the total stays right (both are billed as output), but thinking cost cannot be told apart.',
  'error-body/status-200':
    'Works around: gemloop reads a Google error object in a 200 body as that error (its status from error.code), so retries, googleStatus, quota ids and RetryInfo work as with the real status. Other clients that trust the HTTP status take these errors for answers.',
} as const;

/** A key of {@link PROBE_ADVICE_VARIANTS}. @internal */
export type ProbeAdviceVariant = keyof typeof PROBE_ADVICE_VARIANTS;
