import { checkModelArgument } from '../models/check-model-argument.ts';

/** An embedding model gemloop knows: its sizes and how Vertex AI serves it. */
export type KnownEmbeddingModel = {
  /** The model id, as in `models/{id}`. */
  readonly name: string;
  /** The length of an embedding without `outputDimensionality`, and the most it may ask for. */
  readonly maxDimensions: number;
  /** The most input tokens one content may hold. */
  readonly inputTokenLimit: number;
  /** Text only, or text, images, audio, video and PDFs. */
  readonly multimodal: boolean;
  /** Where the row was read. */
  readonly source: string;
};

/** The API's limit of items per `batchEmbedContents` call. */
export const MAX_BATCH_EMBED_ITEMS = 100;

/**
 * The Gemini embedding models. `gemini-embedding-2`: multimodal, 8,192 input tokens, "Flexible,
 * supports: 128 - 3072" dimensions, 3072 by default (its model card, quoted in openclaw/openclaw
 * issue 128925; ai.google.dev/gemini-api/docs/embeddings). `gemini-embedding-001`: text only, 2,048
 * input tokens, 3072 dimensions by default (ai.google.dev/gemini-api/docs/embeddings; the
 * embeddingcost.com/google summary, read 2026-11-25).
 */
export const knownEmbeddingModels: readonly KnownEmbeddingModel[] = [
  {
    name: 'gemini-embedding-2',
    maxDimensions: 3072,
    inputTokenLimit: 8192,
    multimodal: true,
    source:
      'ai.google.dev/gemini-api/docs/embeddings; model card ("Output dimension size Flexible, supports: 128 - 3072")',
  },
  {
    name: 'gemini-embedding-2-preview',
    maxDimensions: 3072,
    inputTokenLimit: 8192,
    multimodal: true,
    source:
      'ai.google.dev/gemini-api/docs/embeddings (the preview of gemini-embedding-2, 2026-03-10)',
  },
  {
    name: 'gemini-embedding-001',
    maxDimensions: 3072,
    inputTokenLimit: 2048,
    multimodal: false,
    source:
      'ai.google.dev/gemini-api/docs/embeddings (768, 1536 or 3072 recommended; 3072 by default)',
  },
];

/**
 * The row of `model` (`models/…` or the bare id), or undefined for a model gemloop does not know.
 * @throws {@link InvalidArgumentError} when `model` is not a string.
 */
export function findEmbeddingModel(model: string): KnownEmbeddingModel | undefined {
  checkModelArgument('findEmbeddingModel', model);
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  return knownEmbeddingModels.find((known) => known.name === id);
}

/**
 * Whether Vertex AI serves `model` on `:embedContent` (the Gemini embedding models after
 * `gemini-embedding-001`) rather than `:predict`: `@google/genai` 2.32.0 `tIsVertexEmbedContentModel`
 * (`model.includes('gemini') && model !== 'gemini-embedding-001'`, or a `maas` model).
 * @internal
 */
export function isVertexEmbedContentModel(model: string): boolean {
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  return (id.includes('gemini') && id !== 'gemini-embedding-001') || id.includes('maas');
}
