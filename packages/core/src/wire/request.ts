import type { Content, MediaResolution, Part } from './content.ts';
import type { OpenString } from './open-string.ts';
import type { JsonSchema, Schema } from './schema.ts';
import type { ServiceTier } from './service-tier.ts';

/**
 * A function the model may call. Give the parameters either as `parametersJsonSchema` (JSON
 * Schema, the default gemloop sends) or as `parameters` (the OpenAPI subset), never both.
 */
export type FunctionDeclaration = {
  /** `^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$` */
  name: string;
  description?: string | undefined;
  parameters?: Schema | undefined;
  parametersJsonSchema?: JsonSchema | undefined;
  response?: Schema | undefined;
  responseJsonSchema?: JsonSchema | undefined;
  /** Live API only. */
  behavior?: OpenString<'UNSPECIFIED' | 'BLOCKING' | 'NON_BLOCKING'> | undefined;
};

/** An interval of time for Google Search results. */
export type Interval = { startTime?: string | undefined; endTime?: string | undefined };

/** Google Search grounding. */
export type GoogleSearch = {
  timeRangeFilter?: Interval | undefined;
  /** Vertex only. */
  excludeDomains?: string[] | undefined;
  [option: string]: unknown;
};

/** Google Maps grounding. */
export type GoogleMaps = { enableWidget?: boolean | undefined; [option: string]: unknown };

/** File Search over File Search stores. */
export type FileSearch = {
  fileSearchStoreNames: string[];
  metadataFilter?: string | undefined;
  topK?: number | undefined;
};

/**
 * One entry of `tools`. Function declarations and built-in (server-side) tools may be mixed only on
 * Gemini 3, with `toolConfig.includeServerSideToolInvocations: true`.
 */
/** A remote MCP server Gemini calls itself (`@google/genai` 2.18.0 `McpServer`; not Vertex). */
export type McpServer = {
  name?: string | undefined;
  streamableHttpTransport?:
    | {
        url?: string | undefined;
        headers?: Record<string, string> | undefined;
        timeout?: string | undefined;
        sseReadTimeout?: string | undefined;
        terminateOnClose?: boolean | undefined;
      }
    | undefined;
};

export type Tool = {
  functionDeclarations?: FunctionDeclaration[] | undefined;
  googleSearch?: GoogleSearch | undefined;
  /** Legacy (Gemini 1.5) search grounding. */
  googleSearchRetrieval?: Record<string, unknown> | undefined;
  urlContext?: Record<string, never> | undefined;
  codeExecution?: Record<string, never> | undefined;
  googleMaps?: GoogleMaps | undefined;
  fileSearch?: FileSearch | undefined;
  /** Computer use: the model calls predefined UI actions (`click_at`, ...) the client runs. */
  computerUse?: ComputerUse | undefined;
  /** Server-side MCP: Gemini calls these servers' tools itself. Gemini API only. */
  mcpServers?: McpServer[] | undefined;
  /** Web search with Vertex AI Search compliance controls. Vertex only. */
  enterpriseWebSearch?: EnterpriseWebSearch | undefined;
  /** Grounding on Exa.ai search results. Vertex only. */
  exaAiSearch?: ExaAiSearch | undefined;
  /** Grounding on Parallel.ai search results. Vertex only. */
  parallelAiSearch?: ParallelAiSearch | undefined;
  /** Grounding on Vertex AI Search, a Vertex RAG store or an external API. Vertex only. */
  retrieval?: Retrieval | undefined;
};

// The tools and request fields below are read from `@google/genai` 3.1.0 (dist/genai.d.ts:
// `Tool`, `ComputerUse`, `Environment`, `SafetyPolicy`, `EnterpriseWebSearch`, `ToolExaAiSearch`,
// `ToolParallelAiSearch`, `Retrieval`, `ModelArmorConfig`, `GenerateContentConfig.store`). Its
// Gemini API converter (`toolToMldev`) throws for `retrieval`, `enterpriseWebSearch`,
// `exaAiSearch`, `parallelAiSearch` and `modelArmorConfig` ("only supported in Gemini Enterprise
// Agent Platform mode"), its Vertex converter for `store`; gemloop sends them anyway (a gateway
// may take them) and logs a warning instead (`http/endpoint-field-warnings.ts`).

/** Where computer use operates (`@google/genai` 3.1.0 `Environment`). */
export type ComputerUseEnvironment = OpenString<
  'ENVIRONMENT_UNSPECIFIED' | 'ENVIRONMENT_BROWSER' | 'ENVIRONMENT_MOBILE' | 'ENVIRONMENT_DESKTOP'
>;

/** A safety policy computer use may have turned off (`@google/genai` 3.1.0 `SafetyPolicy`). */
export type ComputerUseSafetyPolicy = OpenString<
  | 'SAFETY_POLICY_UNSPECIFIED'
  | 'FINANCIAL_TRANSACTIONS'
  | 'SENSITIVE_DATA_MODIFICATION'
  | 'COMMUNICATION_TOOL'
  | 'ACCOUNT_CREATION'
>;

/** The computer use tool (`@google/genai` 3.1.0 `ComputerUse`). */
export type ComputerUse = {
  /** Required by the API: where the actions run, e.g. `ENVIRONMENT_BROWSER`. */
  environment?: ComputerUseEnvironment | undefined;
  /** Predefined actions (`drag_and_drop`, ...) the model must not call. */
  excludedPredefinedFunctions?: string[] | undefined;
  /** Run Google's prompt-injection check on the request. */
  enablePromptInjectionDetection?: boolean | undefined;
  /** Safety policies turned off for this tool. */
  disabledSafetyPolicies?: ComputerUseSafetyPolicy[] | undefined;
  [option: string]: unknown;
};

/** Enterprise web search (`@google/genai` 3.1.0 `EnterpriseWebSearch`). Vertex only. */
export type EnterpriseWebSearch = {
  /** Domains to leave out of the results (at most 2000 by default). */
  excludeDomains?: string[] | undefined;
  /** Block sites at or above this phishing confidence, e.g. `BLOCK_MEDIUM_AND_ABOVE`. */
  blockingConfidence?: string | undefined;
  [option: string]: unknown;
};

/** Exa.ai search grounding (`@google/genai` 3.1.0 `ToolExaAiSearch`). Vertex only. */
export type ExaAiSearch = {
  /** The Exa.ai API key: it travels in the request body. */
  apiKey?: string | undefined;
  /** Any parameter of the Exa.ai Search API. */
  customConfigs?: Record<string, unknown> | undefined;
  [option: string]: unknown;
};

/** Parallel.ai search grounding (`@google/genai` 3.1.0 `ToolParallelAiSearch`). Vertex only. */
export type ParallelAiSearch = {
  /** The Parallel.ai API key (else a Google Cloud Marketplace subscription): in the request body. */
  apiKey?: string | undefined;
  /** `source_policy`, `excerpts`, `max_results`, `mode`, `fetch_policy` of the Parallel.ai API. */
  customConfigs?: Record<string, unknown> | undefined;
  /** Use Parallel's Zero Data Retention product. */
  enableZeroDataRetention?: boolean | undefined;
  [option: string]: unknown;
};

/** Retrieval grounding (`@google/genai` 3.1.0 `Retrieval`). Vertex only; set one source. */
export type Retrieval = {
  /** Vertex AI Search: `{ datastore }` or `{ engine, dataStoreSpecs? }`, with `filter`, `maxResults`. */
  vertexAiSearch?: Record<string, unknown> | undefined;
  /** A Vertex RAG store: `{ ragResources: [{ ragCorpus }], similarityTopK?, ... }`. */
  vertexRagStore?: Record<string, unknown> | undefined;
  /** An external search API: `{ endpoint, apiSpec, authConfig, ... }`. */
  externalApi?: Record<string, unknown> | undefined;
  [option: string]: unknown;
};

/** Model Armor screening of prompt and response (`@google/genai` 3.1.0 `ModelArmorConfig`). */
export type ModelArmorConfig = {
  /** `projects/{project}/locations/{location}/templates/{template}` for the prompt. */
  promptTemplateName?: string | undefined;
  /** `projects/{project}/locations/{location}/templates/{template}` for the response. */
  responseTemplateName?: string | undefined;
};

/** How the model may call functions. */
export type FunctionCallingMode = OpenString<
  'MODE_UNSPECIFIED' | 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED'
>;

/** Function-calling settings. */
export type FunctionCallingConfig = {
  mode?: FunctionCallingMode | undefined;
  /** Only with mode `ANY` (or `VALIDATED`): the functions the model may call. */
  allowedFunctionNames?: string[] | undefined;
  /** Vertex only. */
  streamFunctionCallArguments?: boolean | undefined;
};

/** A point on the globe, for Maps grounding. */
export type LatLng = { latitude: number; longitude: number };

/** Settings shared by all tools of a request. */
export type ToolConfig = {
  functionCallingConfig?: FunctionCallingConfig | undefined;
  /**
   * Return the server-side tool calls and responses (`toolCall`/`toolResponse` parts). Required on
   * Gemini 3 when built-in tools are combined with function declarations; rejected before Gemini 3.
   */
  includeServerSideToolInvocations?: boolean | undefined;
  retrievalConfig?: { latLng?: LatLng | undefined; languageCode?: string | undefined } | undefined;
};

/**
 * Gemini 3 thinking depth. An open string: `XHIGH` is taken by `gemini-4-hydrogen` alone, and
 * `@google/genai` 3.1.0's `ThinkingLevel` enum has no member for it.
 */
export type ThinkingLevel = OpenString<
  'THINKING_LEVEL_UNSPECIFIED' | 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'XHIGH'
>;

/**
 * Thinking settings. Gemini 3 takes `thinkingLevel`; Gemini 2.5 takes `thinkingBudget` (0 off, -1
 * dynamic). Sending the wrong one for the model is a 400.
 */
export type ThinkingConfig = {
  includeThoughts?: boolean | undefined;
  thinkingBudget?: number | undefined;
  thinkingLevel?: ThinkingLevel | undefined;
};

/** Output modalities. */
export type Modality = OpenString<
  'MODALITY_UNSPECIFIED' | 'TEXT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'DOCUMENT'
>;

/** Generation settings. */
export type GenerationConfig = {
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  candidateCount?: number | undefined;
  /** Counts thinking tokens too. */
  maxOutputTokens?: number | undefined;
  stopSequences?: string[] | undefined;
  responseLogprobs?: boolean | undefined;
  logprobs?: number | undefined;
  presencePenalty?: number | undefined;
  frequencyPenalty?: number | undefined;
  seed?: number | undefined;
  /** `application/json` for JSON output (required with a response schema). */
  responseMimeType?: string | undefined;
  /** OpenAPI-subset schema of the output; mutually exclusive with `responseJsonSchema`. */
  responseSchema?: Schema | undefined;
  /** JSON Schema of the output; mutually exclusive with `responseSchema`. */
  responseJsonSchema?: JsonSchema | undefined;
  responseModalities?: Modality[] | undefined;
  mediaResolution?: MediaResolution | undefined;
  speechConfig?: Record<string, unknown> | undefined;
  thinkingConfig?: ThinkingConfig | undefined;
  imageConfig?: { aspectRatio?: string | undefined; imageSize?: string | undefined } | undefined;
  enableEnhancedCivicAnswers?: boolean | undefined;
  /**
   * Speech recognition of the prompt's audio (`@google/genai` 2.32 `AudioTranscriptionConfig`,
   * sent in `generationConfig` on the Gemini API): `languageCodes`, `customVocabulary`,
   * `wordTimestamp`, `diarization`, `mode` (`VERBATIM` or `SMART`), ...
   */
  audioTranscriptionConfig?: AudioTranscriptionConfig | undefined;
};

/** See {@link GenerationConfig.audioTranscriptionConfig}; open, as the API adds fields. */
export type AudioTranscriptionConfig = {
  /** BCP-47 codes of the languages in the audio; automatic detection when left out. */
  languageCodes?: string[] | undefined;
  /** Phrases that bias recognition towards these terms. */
  customVocabulary?: string[] | undefined;
  wordTimestamp?: boolean | undefined;
  diarization?: boolean | undefined;
  mode?: OpenString<'VERBATIM' | 'SMART'> | undefined;
  [option: string]: unknown;
};

/** A harm category for safety settings and ratings. */
export type HarmCategory = OpenString<
  | 'HARM_CATEGORY_UNSPECIFIED'
  | 'HARM_CATEGORY_HARASSMENT'
  | 'HARM_CATEGORY_HATE_SPEECH'
  | 'HARM_CATEGORY_SEXUALLY_EXPLICIT'
  | 'HARM_CATEGORY_DANGEROUS_CONTENT'
  | 'HARM_CATEGORY_CIVIC_INTEGRITY'
  | 'HARM_CATEGORY_JAILBREAK'
>;

/** The threshold at which content is blocked. */
export type HarmBlockThreshold = OpenString<
  | 'HARM_BLOCK_THRESHOLD_UNSPECIFIED'
  | 'BLOCK_LOW_AND_ABOVE'
  | 'BLOCK_MEDIUM_AND_ABOVE'
  | 'BLOCK_ONLY_HIGH'
  | 'BLOCK_NONE'
  | 'OFF'
>;

/** One safety setting. */
export type SafetySetting = { category: HarmCategory; threshold: HarmBlockThreshold };

/**
 * The body of `generateContent` and `streamGenerateContent`, as gemloop accepts it.
 *
 * `model` goes in the URL (`gemini-2.5-flash` or `models/gemini-2.5-flash`); `contents` may be a
 * plain string (one user text turn) and `systemInstruction` a plain string or parts.
 */
export type GenerateContentRequest = {
  model: string;
  contents: Content[] | string;
  systemInstruction?: Content | Part[] | string | undefined;
  tools?: Tool[] | undefined;
  toolConfig?: ToolConfig | undefined;
  generationConfig?: GenerationConfig | undefined;
  safetySettings?: SafetySetting[] | undefined;
  /** `cachedContents/{id}` */
  cachedContent?: string | undefined;
  /** `flex`, `standard` or `priority`; see {@link ServiceTier}. */
  serviceTier?: ServiceTier | undefined;
  /**
   * Whether Google logs this request (over the project's logging setting). Gemini API only:
   * `@google/genai` 3.1.0 refuses it on Vertex; gemloop sends it and logs a warning there.
   */
  store?: boolean | undefined;
  /**
   * Model Armor templates that screen the prompt and the response; not with `safetySettings`.
   * Vertex only (`@google/genai` 3.1.0); gemloop sends it anywhere and warns on the Gemini API.
   */
  modelArmorConfig?: ModelArmorConfig | undefined;
  /**
   * Resumes a long-decode answer (Gemini 4 long decode): the `continuationToken` of the previous
   * hop's candidate, sent with the same request (`@google/genai` 3.1.0 `prepareContinuationConfig`,
   * `@ai-sdk/google` 4.0.121 `generateContent({ ...args, continuationToken })`). The agent sends it
   * itself (see the agent's `continuation` option).
   */
  continuationToken?: string | undefined;
  /**
   * Billing and reporting labels (keys and values of lowercase letters, digits, `_` and `-`, at
   * most 63 characters). Vertex documents them (`GenerateContentRequest.labels`); `@google/genai`
   * 2.32 sends them on the Gemini API too, so gemloop sends them as given everywhere.
   */
  labels?: Record<string, string> | undefined;
};

/** The JSON body sent on the wire (everything but `model`, normalised). */
export type GenerateContentBody = {
  contents: Content[];
  systemInstruction?: Content | undefined;
  tools?: Tool[] | undefined;
  toolConfig?: ToolConfig | undefined;
  generationConfig?: GenerationConfig | undefined;
  safetySettings?: SafetySetting[] | undefined;
  cachedContent?: string | undefined;
  /** `flex`, `standard` or `priority`; see {@link ServiceTier}. */
  serviceTier?: ServiceTier | undefined;
  /** Per-request logging; see {@link GenerateContentRequest.store}. */
  store?: boolean | undefined;
  /** Model Armor templates; see {@link GenerateContentRequest.modelArmorConfig}. */
  modelArmorConfig?: ModelArmorConfig | undefined;
  /** See {@link GenerateContentRequest.continuationToken}. */
  continuationToken?: string | undefined;
  /** See {@link GenerateContentRequest.labels}. */
  labels?: Record<string, string> | undefined;
};
