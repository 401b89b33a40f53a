import type { CallOptions } from '../http/call-options.ts';
import type { Content, Part } from '../wire/content.ts';
import type { ModalityTokenCount } from '../wire/response.ts';

/**
 * What an embedding is for, so the model can optimise it (ai.google.dev/api/embeddings#TaskType;
 * `@google/genai` `EmbedContentConfig.taskType`). Open: a value Google adds later is sent as is.
 */
export type EmbeddingTaskType =
  | 'RETRIEVAL_QUERY'
  | 'RETRIEVAL_DOCUMENT'
  | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION'
  | 'CLUSTERING'
  | 'QUESTION_ANSWERING'
  | 'FACT_VERIFICATION'
  | 'CODE_RETRIEVAL_QUERY'
  | (string & {});

/**
 * What to embed: a string (one text part), parts, or a Content. With `gemini-embedding-2` the parts
 * may mix text, images, audio, video and PDFs (`inlineData` or `fileData`); all the parts of one
 * content give one aggregated embedding (ai.google.dev/gemini-api/docs/embeddings, "Multimodal
 * embeddings").
 */
export type EmbedInput = string | Part[] | Content;

/** The settings of one embedding, as `@google/genai` 2.x `EmbedContentConfig` names them. */
export type EmbedContentConfig = {
  /** What the embedding is for. */
  taskType?: EmbeddingTaskType | undefined;
  /** The title of the document (with `taskType: 'RETRIEVAL_DOCUMENT'` only). */
  title?: string | undefined;
  /**
   * Fewer dimensions than the model's default (Matryoshka truncation): a whole number from 1 to the
   * model's maximum (3072 for `gemini-embedding-001` and `gemini-embedding-2`).
   */
  outputDimensionality?: number | undefined;
  /**
   * Vertex AI only: truncate an input over the model's limit instead of failing
   * (`parameters.autoTruncate`; the Gemini API has no such field and refuses it, as
   * `@google/genai` does).
   */
  autoTruncate?: boolean | undefined;
  /**
   * Vertex AI `:predict` models (`gemini-embedding-001`) only: the MIME type of the input
   * (`instances[].mimeType`). Refused on the Gemini API, as `@google/genai` does.
   */
  mimeType?: string | undefined;
};

/** The body of {@link Embeddings.embedContent}. */
export type EmbedContentRequest = EmbedContentConfig & {
  /** An embedding model: `gemini-embedding-2`, `gemini-embedding-001` (or `models/…`). */
  model: string;
  /** What to embed. */
  content: EmbedInput;
};

/** One request of {@link Embeddings.batchEmbedContents}: the content and its own settings. */
export type BatchEmbedItem = EmbedContentConfig & { content: EmbedInput };

/** The body of {@link Embeddings.batchEmbedContents}. */
export type BatchEmbedContentsRequest = EmbedContentConfig & {
  /** The model of every item. */
  model: string;
  /** Up to 100 items (the API's limit per call); each a content or `{ content, ...settings }`. */
  requests: ReadonlyArray<EmbedInput | BatchEmbedItem>;
};

/** An embedding: `values` has `outputDimensionality` numbers (the model's default without it). */
export type ContentEmbedding = {
  values: number[];
};

/** The tokens an embedding call read, for usage and cost. */
export type EmbeddingUsage = {
  /** The input tokens (every modality). */
  promptTokenCount?: number | undefined;
  /** The input tokens per modality (`TEXT`, `IMAGE`, `AUDIO`, `VIDEO`, `DOCUMENT`). */
  promptTokensDetails?: ModalityTokenCount[] | undefined;
};

/**
 * The answer of {@link Embeddings.embedContent}, the Gemini API's `EmbedContentResponse`. Vertex
 * AI's answers (`:predict`'s `predictions[0].embeddings`, `:embedContent`'s) are read into the same
 * shape: `usageMetadata.promptTokenCount` from `statistics.token_count` on `:predict`.
 */
export type EmbedContentResponse = {
  embedding: ContentEmbedding;
  /** Token counts, when the API reports them. */
  usageMetadata?: EmbeddingUsage | undefined;
  /** Vertex AI: the input was longer than the model's limit and was truncated. */
  truncated?: boolean | undefined;
};

/** The answer of {@link Embeddings.batchEmbedContents}: one embedding per item, in order. */
export type BatchEmbedContentsResponse = {
  embeddings: ContentEmbedding[];
  /** Token counts of the whole call, when the API reports them. */
  usageMetadata?: EmbeddingUsage | undefined;
};

/**
 * The embedding methods of a client made by `createGemini`, with its retries, time limits, typed
 * errors, logging and redaction. Made by {@link createEmbeddings}.
 */
export interface Embeddings {
  /**
   * One embedding. Gemini API: `POST v1beta/models/{model}:embedContent`. Vertex AI:
   * `…/publishers/google/models/{model}:predict` for `gemini-embedding-001` (and the older
   * `text-embedding-*`), `…:embedContent` for the other Gemini embedding models, as `@google/genai`
   * routes them.
   * @throws {@link InvalidArgumentError} for an empty content, a dimensionality out of range, or a
   *   Vertex-only field on the Gemini API; nothing is sent.
   */
  embedContent(request: EmbedContentRequest, options?: CallOptions): Promise<EmbedContentResponse>;
  /**
   * Up to 100 embeddings in one call: `POST v1beta/models/{model}:batchEmbedContents` (Gemini API
   * only; on Vertex AI call `embedContent` per item).
   * @throws {@link InvalidArgumentError} for more than 100 items, an empty list or an empty item.
   */
  batchEmbedContents(
    request: BatchEmbedContentsRequest,
    options?: CallOptions,
  ): Promise<BatchEmbedContentsResponse>;
}
