// @gemloop/core/wire: the Gemini REST wire format as types (requests, responses, content, errors,
// models, cached contents, schemas), and the lenient parser and readers for what comes back.
// Everything here mirrors the API field for field; unknown fields and enum values are kept.

export type {
  BatchJob,
  BatchOutput,
  BatchState,
  InlinedBatchRequest,
  InlinedBatchResponse,
  ListBatchesResponse,
  RpcStatus,
} from './batch.ts';
export type { CachedContent, ListCachedContentsResponse } from './cached-content.ts';
export type {
  Blob,
  CodeExecutionResult,
  CodeLanguage,
  Content,
  ExecutableCode,
  FileData,
  FunctionCall,
  FunctionResponse,
  FunctionResponsePart,
  FunctionResponseScheduling,
  MediaResolution,
  Outcome,
  Part,
  PartialArg,
  PartMediaResolution,
  PartMediaResolutionLevel,
  Role,
  ToolCall,
  ToolResponse,
  ToolType,
  VideoMetadata,
} from './content.ts';
export type {
  BadRequest,
  DebugInfo,
  ErrorInfo,
  GoogleErrorBody,
  GoogleErrorDetail,
  Help,
  LocalizedMessage,
  QuotaFailure,
  RetryInfo,
  UnknownErrorDetail,
} from './error-body.ts';
export type { FileState, GeminiFile, ListFilesResponse } from './file.ts';
export type {
  ChunkingConfig,
  CustomMetadata,
  FileSearchDocument,
  FileSearchDocumentState,
  FileSearchOperation,
  FileSearchStore,
  ListFileSearchDocumentsResponse,
  ListFileSearchStoresResponse,
} from './file-search-store.ts';
export type {
  CountTokensBody,
  CountTokensResponse,
  ListModelsResponse,
  Model,
} from './models.ts';
export type { OpenString } from './open-string.ts';
export type { ParseGenerateContentResponseResult } from './parse-generate-content-response.ts';
export { parseGenerateContentResponse } from './parse-generate-content-response.ts';
export { readServiceTier } from './read-service-tier.ts';
export { readUsageCount } from './read-usage-count.ts';
export type {
  AudioTranscriptionConfig,
  ComputerUse,
  ComputerUseEnvironment,
  ComputerUseSafetyPolicy,
  EnterpriseWebSearch,
  ExaAiSearch,
  FileSearch,
  FunctionCallingConfig,
  FunctionCallingMode,
  FunctionDeclaration,
  GenerateContentBody,
  GenerateContentRequest,
  GenerationConfig,
  GoogleMaps,
  GoogleSearch,
  HarmBlockThreshold,
  HarmCategory,
  Interval,
  LatLng,
  Modality,
  ModelArmorConfig,
  ParallelAiSearch,
  Retrieval,
  SafetySetting,
  ThinkingConfig,
  ThinkingLevel,
  Tool,
  ToolConfig,
} from './request.ts';
export type {
  BlockReason,
  Candidate,
  CandidateContent,
  Citation,
  CitationMetadata,
  FinishReason,
  GenerateContentResponse,
  GroundingChunk,
  GroundingMetadata,
  GroundingSupport,
  HarmProbability,
  ModalityTokenCount,
  PromptFeedback,
  SafetyRating,
  UrlContextMetadata,
  UrlRetrievalStatus,
  UsageMetadata,
} from './response.ts';
export type { JsonSchema, Schema, SchemaType } from './schema.ts';
export { SERVICE_TIER_HEADER, type ServiceTier } from './service-tier.ts';
