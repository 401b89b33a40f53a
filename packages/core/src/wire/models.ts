import type { Content } from './content.ts';
import type { GenerateContentBody } from './request.ts';
import type { ModalityTokenCount } from './response.ts';

/** A model as `models.list` and `models.get` describe it. */
export type Model = {
  /** `models/gemini-2.5-flash` */
  name: string;
  baseModelId?: string | undefined;
  version?: string | undefined;
  displayName?: string | undefined;
  description?: string | undefined;
  inputTokenLimit?: number | undefined;
  outputTokenLimit?: number | undefined;
  /** `generateContent`, `countTokens`, `streamGenerateContent`, ... */
  supportedGenerationMethods?: string[] | undefined;
  thinking?: boolean | undefined;
  temperature?: number | undefined;
  maxTemperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
};

/** A page of models. */
export type ListModelsResponse = {
  models: Model[];
  nextPageToken?: string | undefined;
};

/**
 * The body of `countTokens`: either bare `contents`, or a whole `generateContentRequest` (to count
 * the system instruction and tools too). Vertex AI takes no `generateContentRequest`: it reads
 * `systemInstruction`, `tools` and `generationConfig` beside `contents` (aiplatform v1
 * `CountTokensRequest`).
 */
export type CountTokensBody = {
  contents?: Content[] | undefined;
  generateContentRequest?: (GenerateContentBody & { model: string }) | undefined;
  /** Vertex AI only. */
  systemInstruction?: Content | undefined;
  /** Vertex AI only. */
  tools?: GenerateContentBody['tools'];
  /** Vertex AI only. */
  generationConfig?: GenerateContentBody['generationConfig'];
};

/** The answer of `countTokens`. */
export type CountTokensResponse = {
  totalTokens: number;
  cachedContentTokenCount?: number | undefined;
  promptTokensDetails?: ModalityTokenCount[] | undefined;
  cacheTokensDetails?: ModalityTokenCount[] | undefined;
};
