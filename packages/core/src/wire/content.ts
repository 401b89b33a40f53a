import type { OpenString } from './open-string.ts';

/**
 * The role of a {@link Content}. The API accepts only `user` and `model`; function responses go in
 * a `user` content.
 */
export type Role = 'user' | 'model';

/** Inline bytes, base64-encoded (standard or URL-safe alphabet). */
export type Blob = {
  mimeType: string;
  /** Base64 of the bytes. */
  data: string;
  displayName?: string | undefined;
};

/** A reference to a file uploaded through the Files API or a public URI. */
export type FileData = {
  mimeType?: string | undefined;
  fileUri: string;
  displayName?: string | undefined;
};

/**
 * A function call predicted by the model. `args` is a JSON object, never a string.
 *
 * Gemini 3 on the Gemini API returns a server `id` (8 lowercase base36 characters); older models
 * return none. When an `id` is present the matching {@link FunctionResponse} must echo it.
 */
export type FunctionCall = {
  id?: string | undefined;
  name: string;
  args?: Record<string, unknown> | undefined;
  /** Vertex only (`streamFunctionCallArguments`): argument fragments of a call still streaming. */
  partialArgs?: PartialArg[] | undefined;
  /** Vertex only: more fragments of this call follow. */
  willContinue?: boolean | undefined;
};

/** Vertex only: one fragment of streamed function-call arguments. */
export type PartialArg = {
  jsonPath?: string | undefined;
  stringValue?: string | undefined;
  numberValue?: number | undefined;
  boolValue?: boolean | undefined;
  nullValue?: unknown;
  willContinue?: boolean | undefined;
};

/** A media part of a multimodal function response (Gemini 3; the Gemini API takes `inlineData`). */
export type FunctionResponsePart = {
  inlineData?: Blob | undefined;
  fileData?: FileData | undefined;
};

/** How a non-blocking function response is scheduled (Live API). */
export type FunctionResponseScheduling = OpenString<
  'SCHEDULING_UNSPECIFIED' | 'SILENT' | 'WHEN_IDLE' | 'INTERRUPT'
>;

/**
 * The result of a {@link FunctionCall}, sent back in a `user` content.
 *
 * `response` must be a JSON object (the API rejects arrays and scalars). By convention the result
 * goes under `output` and a failure under `error`; otherwise the whole object is the output.
 */
export type FunctionResponse = {
  id?: string | undefined;
  name: string;
  response: Record<string, unknown>;
  parts?: FunctionResponsePart[] | undefined;
  willContinue?: boolean | undefined;
  scheduling?: FunctionResponseScheduling | undefined;
};

/** The language of {@link ExecutableCode}. */
export type CodeLanguage = OpenString<'LANGUAGE_UNSPECIFIED' | 'PYTHON'>;

/** Code the model generated and the code-execution tool ran. */
export type ExecutableCode = {
  id?: string | undefined;
  language: CodeLanguage;
  code: string;
};

/** The outcome of running {@link ExecutableCode}. */
export type Outcome = OpenString<
  'OUTCOME_UNSPECIFIED' | 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED'
>;

/** The result of running {@link ExecutableCode}. */
export type CodeExecutionResult = {
  id?: string | undefined;
  outcome: Outcome;
  output?: string | undefined;
};

/** The kind of a server-side tool invocation. */
export type ToolType = OpenString<
  | 'TOOL_TYPE_UNSPECIFIED'
  | 'GOOGLE_SEARCH_WEB'
  | 'GOOGLE_SEARCH_IMAGE'
  | 'URL_CONTEXT'
  | 'GOOGLE_MAPS'
  | 'FILE_SEARCH'
>;

/**
 * A server-side (built-in) tool call the API made itself, returned with
 * `toolConfig.includeServerSideToolInvocations`. The client never executes it, but must echo it
 * (with its `id` and signature) in the history.
 */
export type ToolCall = {
  id: string;
  toolType: ToolType;
  args?: Record<string, unknown> | undefined;
};

/** The server-side result of a {@link ToolCall}; echoed verbatim like the call. */
export type ToolResponse = {
  id: string;
  toolType: ToolType;
  response?: Record<string, unknown> | undefined;
};

/** Which part of a video a part refers to. */
export type VideoMetadata = {
  startOffset?: string | undefined;
  endOffset?: string | undefined;
  fps?: number | undefined;
};

/**
 * Media resolution of the whole request (`generationConfig.mediaResolution`). `@google/genai`
 * 2.18.0 `MediaResolution` has no ULTRA_HIGH: that level is per part only
 * ({@link PartMediaResolutionLevel}).
 */
export type MediaResolution = OpenString<
  | 'MEDIA_RESOLUTION_UNSPECIFIED'
  | 'MEDIA_RESOLUTION_LOW'
  | 'MEDIA_RESOLUTION_MEDIUM'
  | 'MEDIA_RESOLUTION_HIGH'
>;

/**
 * The token quality of one media part (`@google/genai` 2.18.0 `PartMediaResolutionLevel`),
 * ULTRA_HIGH included. Gemini 3 and later.
 */
export type PartMediaResolutionLevel = OpenString<
  | 'MEDIA_RESOLUTION_UNSPECIFIED'
  | 'MEDIA_RESOLUTION_LOW'
  | 'MEDIA_RESOLUTION_MEDIUM'
  | 'MEDIA_RESOLUTION_HIGH'
  | 'MEDIA_RESOLUTION_ULTRA_HIGH'
>;

/**
 * `part.mediaResolution` (`@google/genai` 2.18.0 `PartMediaResolution`): overrides the request's
 * `generationConfig.mediaResolution` for one image, video or PDF part. Gemini 3 and later.
 */
export type PartMediaResolution = {
  level?: PartMediaResolutionLevel | undefined;
  /** "Specifies the required sequence length for media tokenization." */
  numTokens?: number | undefined;
};

/**
 * One part of a {@link Content}. Exactly one data field is set (`text`, `inlineData`,
 * `functionCall`, ...); `thought` and `thoughtSignature` ride alongside any of them.
 *
 * Responses may carry fields this type does not list; gemloop keeps them on the object and sends
 * them back unchanged.
 */
export type Part = {
  text?: string | undefined;
  /** The part is a thought summary (with `includeThoughts`), never answer text. */
  thought?: boolean | undefined;
  /**
   * An opaque signature of the model's reasoning. Echo it exactly as received; Gemini 3 rejects a
   * function-calling history whose first call of a model turn lost it.
   */
  thoughtSignature?: string | undefined;
  inlineData?: Blob | undefined;
  fileData?: FileData | undefined;
  functionCall?: FunctionCall | undefined;
  functionResponse?: FunctionResponse | undefined;
  executableCode?: ExecutableCode | undefined;
  codeExecutionResult?: CodeExecutionResult | undefined;
  toolCall?: ToolCall | undefined;
  toolResponse?: ToolResponse | undefined;
  videoMetadata?: VideoMetadata | undefined;
  mediaResolution?: PartMediaResolution | undefined;
  partMetadata?: Record<string, unknown> | undefined;
};

/** One turn of a conversation: who said it, and the parts. */
export type Content = {
  role?: Role | undefined;
  parts: Part[];
};
