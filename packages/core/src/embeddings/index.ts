// @gemloop/core/embeddings: embeddings of text and media (embedContent, batchEmbedContents) on a
// client made by createGemini, the embedding models gemloop knows, and what an embedding cost.

export type {
  CreateEmbeddingBatchRequest,
  EmbeddingBatches,
  EmbeddingBatchItem,
  EmbeddingBatchResult,
} from './create-embedding-batches.ts';
export { createEmbeddingBatches } from './create-embedding-batches.ts';
export { createEmbeddings } from './create-embeddings.ts';
export type { EmbeddingCostOptions } from './embedding-cost-of.ts';
export { embeddingCostOf } from './embedding-cost-of.ts';
export type { KnownEmbeddingModel } from './embedding-models.ts';
export {
  findEmbeddingModel,
  knownEmbeddingModels,
  MAX_BATCH_EMBED_ITEMS,
} from './embedding-models.ts';
export type { EmbeddingPrice, EmbeddingTier } from './embedding-prices.ts';
export { knownEmbeddingPrices } from './embedding-prices.ts';
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
