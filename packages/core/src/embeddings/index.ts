// @gemloop/core/embeddings: embeddings of text and media (embedContent, batchEmbedContents) on a
// client made by createGemini, the embedding models gemloop knows, and what an embedding cost.

// The types this entry's functions return, so a library that exports what it makes names them here.
export type { Cost } from '../models/cost.ts';
// What an embedding cost: the function and the price table live in models/ with the other prices.
export type { EmbeddingCostOptions, EmbeddingCostUsage } from '../models/embedding-cost-of.ts';
export { embeddingCostOf } from '../models/embedding-cost-of.ts';
export type { EmbeddingPrice, EmbeddingTier } from '../models/known-embedding-prices.ts';
export { knownEmbeddingPrices } from '../models/known-embedding-prices.ts';
export type {
  CreateEmbeddingBatchRequest,
  EmbeddingBatches,
  EmbeddingBatchItem,
  EmbeddingBatchResult,
} from './create-embedding-batches.ts';
export { createEmbeddingBatches } from './create-embedding-batches.ts';
export { createEmbeddings } from './create-embeddings.ts';
export type { EmbeddingLengthSource } from './embedding-length-error.ts';
export { EmbeddingLengthError } from './embedding-length-error.ts';
export type { KnownEmbeddingModel } from './embedding-models.ts';
export {
  findEmbeddingModel,
  knownEmbeddingModels,
  MAX_BATCH_EMBED_ITEMS,
} from './embedding-models.ts';
export type {
  BatchEmbedContentsRequest,
  BatchEmbedContentsResponse,
  BatchEmbedItem,
  ContentEmbedding,
  EmbedContentConfig,
  EmbedContentRequest,
  EmbedContentResponse,
  Embeddings,
  EmbeddingTaskType,
  EmbeddingUsage,
  EmbedInput,
} from './embeddings.ts';
