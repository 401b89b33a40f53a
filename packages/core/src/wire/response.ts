import type { Part } from './content.ts';
import type { OpenString } from './open-string.ts';
import type { HarmCategory, Modality } from './request.ts';
import type { ServiceTier } from './service-tier.ts';

/**
 * Why a candidate stopped. `STOP` also ends a function-call turn. An absent value in a stream chunk
 * means the model has not stopped yet. Unknown values are kept as strings.
 */
export type FinishReason = OpenString<
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'NO_IMAGE'
  | 'IMAGE_RECITATION'
  | 'IMAGE_OTHER'
  | 'MODEL_ARMOR'
  /**
   * Long decode (Gemini 4): the per-request token cap was reached while budget remains; the
   * candidate carries a `continuationToken` to send with the same request (`@google/genai` 3.1.0
   * `FinishReason.CONTINUATION`). The agent continues by itself (its `continuation` option).
   */
  | 'CONTINUATION'
  /** The model produced a response the API could not parse (`@google/genai` 3.1.0); re-asked. */
  | 'MALFORMED_RESPONSE'
  /**
   * "Request has at least one thought signature missing" (`@google/genai` 3.3.0 `FinishReason`;
   * Gemini API only): the history sent lost a signature. The agent fails the run with
   * `MissingThoughtSignatureError`.
   */
  | 'MISSING_THOUGHT_SIGNATURE'
  /**
   * "Request was filtered by an escalation rule" (`@google/genai` 3.3.0; Gemini API only); a
   * content filter to the agent.
   */
  | 'ESCALATION'
  /**
   * "Token generation stopped because the user account is limited or disabled due to Prohibited
   * Use Policy (PUP) violations" (`@google/genai` 3.3.0; Gemini API only); a content filter to the
   * agent: asking again cannot help.
   */
  | 'PUP_LIMITED_DISABLED'
>;

/** Why a prompt was blocked (then there are no candidates). */
export type BlockReason = OpenString<
  | 'BLOCKED_REASON_UNSPECIFIED'
  | 'SAFETY'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'IMAGE_SAFETY'
  | 'MODEL_ARMOR'
  | 'JAILBREAK'
>;

/** The probability that content is harmful. */
export type HarmProbability = OpenString<
  'HARM_PROBABILITY_UNSPECIFIED' | 'NEGLIGIBLE' | 'LOW' | 'MEDIUM' | 'HIGH'
>;

/** A safety rating of a candidate or a prompt. */
export type SafetyRating = {
  category?: HarmCategory | undefined;
  probability?: HarmProbability | undefined;
  probabilityScore?: number | undefined;
  severity?: string | undefined;
  severityScore?: number | undefined;
  blocked?: boolean | undefined;
};

/** The content of a candidate. Unlike a request {@link Content}, `parts` may be missing. */
export type CandidateContent = {
  role?: OpenString<'user' | 'model'> | undefined;
  parts?: Part[] | undefined;
};

/** A source the model cited. */
export type Citation = {
  startIndex?: number | undefined;
  endIndex?: number | undefined;
  uri?: string | undefined;
  title?: string | undefined;
  license?: string | undefined;
  publicationDate?: unknown;
};

/** Citations of a candidate (`citationSources` on the Gemini API, `citations` on Vertex). */
export type CitationMetadata = {
  citationSources?: Citation[] | undefined;
  citations?: Citation[] | undefined;
};

/** A web, maps or retrieval source used for grounding. */
export type GroundingChunk = {
  web?:
    | { uri?: string | undefined; title?: string | undefined; domain?: string | undefined }
    | undefined;
  maps?:
    | {
        uri?: string | undefined;
        title?: string | undefined;
        text?: string | undefined;
        placeId?: string | undefined;
        [field: string]: unknown;
      }
    | undefined;
  retrievedContext?:
    | {
        uri?: string | undefined;
        title?: string | undefined;
        text?: string | undefined;
        /**
         * File Search: the store the chunk came from, `fileSearchStores/<id>`, in place of `uri`
         * (`@ai-sdk/google` CHANGELOG e300a3b: "The Google File Search API returns
         * `fileSearchStore` instead of `uri` in `retrievedContext`").
         */
        fileSearchStore?: string | undefined;
        /** File Search: the document's custom metadata (`@ai-sdk/google` CHANGELOG 8c0e699). */
        customMetadata?: unknown[] | undefined;
        [field: string]: unknown;
      }
    | undefined;
  image?: Record<string, unknown> | undefined;
};

/** A span of the answer and the grounding chunks that support it. */
export type GroundingSupport = {
  segment?:
    | {
        partIndex?: number | undefined;
        /** Omitted when 0. */
        startIndex?: number | undefined;
        endIndex?: number | undefined;
        text?: string | undefined;
      }
    | undefined;
  groundingChunkIndices?: number[] | undefined;
  confidenceScores?: number[] | undefined;
};

/** How an answer was grounded in Google Search, Maps or URL context. */
export type GroundingMetadata = {
  groundingChunks?: GroundingChunk[] | undefined;
  groundingSupports?: GroundingSupport[] | undefined;
  /** May contain empty strings. */
  webSearchQueries?: string[] | undefined;
  imageSearchQueries?: string[] | undefined;
  /** HTML/CSS of the search suggestions chip that Google's terms ask you to display. */
  searchEntryPoint?:
    | { renderedContent?: string | undefined; sdkBlob?: string | undefined }
    | undefined;
  retrievalMetadata?: { googleSearchDynamicRetrievalScore?: number | undefined } | undefined;
  googleMapsWidgetContextToken?: string | undefined;
};

/** Whether a URL given to the URL-context tool could be read. */
export type UrlRetrievalStatus = OpenString<
  | 'URL_RETRIEVAL_STATUS_UNSPECIFIED'
  | 'URL_RETRIEVAL_STATUS_SUCCESS'
  | 'URL_RETRIEVAL_STATUS_ERROR'
  | 'URL_RETRIEVAL_STATUS_PAYWALL'
  | 'URL_RETRIEVAL_STATUS_UNSAFE'
>;

/** What the URL-context tool retrieved. */
export type UrlContextMetadata = {
  urlMetadata?:
    | { retrievedUrl?: string | undefined; urlRetrievalStatus?: UrlRetrievalStatus | undefined }[]
    | undefined;
};

/** One generated answer. */
export type Candidate = {
  /** May be `{}` (SAFETY) or have no `parts` (MAX_TOKENS spent on thinking). */
  content?: CandidateContent | undefined;
  finishReason?: FinishReason | undefined;
  finishMessage?: string | undefined;
  /** May be absent (Gemini 2.0, some stream chunks); treat as 0. */
  index?: number | undefined;
  safetyRatings?: SafetyRating[] | undefined;
  citationMetadata?: CitationMetadata | undefined;
  groundingMetadata?: GroundingMetadata | undefined;
  urlContextMetadata?: UrlContextMetadata | undefined;
  avgLogprobs?: number | undefined;
  logprobsResult?: Record<string, unknown> | undefined;
  tokenCount?: number | undefined;
  /**
   * Long decode: on the last chunk of a hop (`finishReason: 'CONTINUATION'`) the token to send
   * for the next hop; on an intermediate stream chunk (no finish reason) a checkpoint a dropped
   * stream resumes from (`@google/genai` 3.1.0 `StreamContinuation.observe`).
   */
  continuationToken?: string | undefined;
};

/** Why the prompt was blocked, if it was. Sent only in the first stream chunk. */
export type PromptFeedback = {
  blockReason?: BlockReason | undefined;
  /** Vertex only. */
  blockReasonMessage?: string | undefined;
  safetyRatings?: SafetyRating[] | undefined;
};

/** Tokens of one modality. */
export type ModalityTokenCount = {
  modality?: Modality | undefined;
  tokenCount?: number | undefined;
};

/**
 * Token usage. Every field may be absent. In a stream it is cumulative on every chunk: use the
 * last. `totalTokenCount` = prompt + candidates + toolUsePrompt + thoughts; `promptTokenCount`
 * includes cached tokens.
 */
export type UsageMetadata = {
  promptTokenCount?: number | undefined;
  candidatesTokenCount?: number | undefined;
  thoughtsTokenCount?: number | undefined;
  toolUsePromptTokenCount?: number | undefined;
  cachedContentTokenCount?: number | undefined;
  totalTokenCount?: number | undefined;
  promptTokensDetails?: ModalityTokenCount[] | undefined;
  candidatesTokensDetails?: ModalityTokenCount[] | undefined;
  cacheTokensDetails?: ModalityTokenCount[] | undefined;
  toolUsePromptTokensDetails?: ModalityTokenCount[] | undefined;
  /** Vertex and gateways. */
  trafficType?: string | undefined;
  /** The tier that served the call (Gemini API; not Vertex). See {@link ServiceTier}. */
  serviceTier?: ServiceTier | undefined;
};

/**
 * The response of `generateContent`, and each chunk of `streamGenerateContent` (where parts are
 * deltas). Fields the API adds later are kept on the object.
 */
export type GenerateContentResponse = {
  candidates?: Candidate[] | undefined;
  promptFeedback?: PromptFeedback | undefined;
  usageMetadata?: UsageMetadata | undefined;
  modelVersion?: string | undefined;
  responseId?: string | undefined;
  createTime?: string | undefined;
  modelStatus?: Record<string, unknown> | undefined;
};
