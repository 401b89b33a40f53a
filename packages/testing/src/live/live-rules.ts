/** A rule of the Live protocol the fake enforces; see {@link LIVE_RULES} for each one's source. */
export type LiveRule =
  | 'endpoint'
  | 'api-key'
  | 'json'
  | 'setup-first'
  | 'setup-once'
  | 'setup-model'
  | 'one-of'
  | 'openapi-parameters'
  | 'activity-signals'
  | 'audio-stream-end'
  | 'tool-response-id'
  | 'resume-handle'
  | 'resume-while-open'
  | 'transparent-resumption'
  | 'initial-history'
  | 'ephemeral-token'
  | 'script';

/**
 * The rules the fake Live server enforces, each with where it comes from. A rule known only from
 * users' reports says so.
 */
export const LIVE_RULES: Readonly<Record<LiveRule, string>> = {
  endpoint:
    'The WebSocket path is /ws/google.ai.generativelanguage.<version>.GenerativeService.BidiGenerateContent (or ...Constrained with an ephemeral token): @google/genai src/live.ts, Live.connect.',
  'api-key':
    'The key goes in the query, ?key=<API key> (?access_token=<token> for BidiGenerateContentConstrained): @google/genai src/live.ts, Live.connect.',
  json: 'Client messages are JSON LiveClientMessage objects: @google/genai src/live.ts sends JSON.stringify(message).',
  'setup-first':
    'BidiGenerateContentSetup is "Message to be sent in the first (and only in the first) BidiGenerateContentClientMessage": https://ai.google.dev/api/live; @google/genai sends it right after the socket opens and waits for setupComplete.',
  'setup-once':
    'The setup is sent "only in the first" client message: https://ai.google.dev/api/live.',
  'setup-model':
    'setup.model is required, "models/{model}": https://ai.google.dev/api/live (BidiGenerateContentSetup.model); @google/genai tModel adds the models/ prefix.',
  'one-of':
    'A LiveClientMessage carries one of setup, clientContent, realtimeInput, toolResponse (a protobuf oneof): https://ai.google.dev/api/live (BidiGenerateContentClientMessage).',
  'openapi-parameters':
    "The Live API implements FunctionDeclaration.parameters (the OpenAPI subset), not parametersJsonSchema: pydantic-ai GoogleOpenAPISchemaTransformer docstring (reference peers-2026-11-late.md); not stated in Google's docs.",
  'activity-signals':
    'activityStart/activityEnd "can only be sent if automatic (i.e. server-side) activity detection is disabled": @google/genai src/types.ts, ActivityStart/ActivityEnd.',
  'audio-stream-end':
    'audioStreamEnd "should only be sent when automatic activity detection is enabled": @google/genai src/types.ts, LiveClientRealtimeInput.audioStreamEnd.',
  'tool-response-id':
    '"Individual FunctionResponse objects are matched to the respective FunctionCall objects by the id field": @google/genai src/types.ts, LiveClientToolResponse. A response to no pending call (never sent, already answered, or cancelled by toolCallCancellation) is refused. FunctionCall.id is "Optional" (Vertex may leave it out; js-genai Session.tLiveClienttToolResponse demands a response id only off Vertex): a call scripted with id: null goes out id-less and takes one id-less response, matched by name in call order (the fake\'s choice: Google documents no matching rule), and a response with an id for it is refused.',
  'resume-handle':
    'A handle is one the server sent in sessionResumptionUpdate.newHandle, and "Resumption tokens are valid for 2 hours after the last session termination": https://ai.google.dev/gemini-api/docs/live-session. Handles are only sent when resumable (LiveServerSessionResumptionUpdate.resumable: not while "executing function calls or just generating").',
  'resume-while-open':
    'Known only from users\' reports: "Gemini rejects a resume with 1011 while an earlier socket of the same session is still open" (aicc2025/sip-to-ai PR #14, 2026-09-18). Off with refuseResumeWhileOpen: false.',
  'transparent-resumption':
    'SessionResumptionConfig.transparent is Vertex-only: "transparent parameter is only supported in Gemini Enterprise Agent Platform mode, not in Gemini Developer API mode" (@google/genai src/converters/_live_converters.ts, sessionResumptionConfigToMldev). The fake serves the Gemini API, so it refuses it and never sends lastConsumedClientMessageIndex.',
  'initial-history':
    'With historyConfig.initialHistoryInClientContent, "the server will wait and at first process client_content messages until turn_complete is true. This initial history will not trigger a model call ... After turn_complete is true, the client can start the realtime conversation via realtime_input" (@google/genai src/types.ts, HistoryConfig).',
  'ephemeral-token':
    'A browser connects to BidiGenerateContentConstrained on v1alpha with ?access_token=<auth_tokens/...> (@google/genai src/live.ts); the token starts sessions until newSessionExpireTime, "uses" times ("Resuming a Live API session does not count as a use"), and its sessions end at expireTime (CreateAuthTokenConfig, src/types.ts).',
  script: "Not a protocol rule: the fake's script has no turn left for this input.",
};
