import { createEmbeddings } from '../embeddings/create-embeddings.ts';
import type { Gemini } from '../http/gemini.ts';

/** Embeds a memory's text (`document`) or a query (`query`) for a memory store. */
export type MemoryEmbed = (input: {
  text: string;
  purpose: 'document' | 'query';
  signal?: AbortSignal | undefined;
}) => Promise<readonly number[]>;

/** Options of {@link geminiEmbed}. */
export type GeminiEmbedOptions = {
  /** A client made by `createGemini`. */
  gemini: Gemini;
  /** The embedding model. @defaultValue `'gemini-embedding-2'` */
  model?: string | undefined;
  /**
   * The vectors' length (Matryoshka truncation); every memory of a store must use the same.
   * @defaultValue 768
   */
  dimensions?: number | undefined;
};

/**
 * A {@link MemoryEmbed} on Gemini's `embedContent`, with the task types Google gives for
 * retrieval: `RETRIEVAL_DOCUMENT` for what is stored, `RETRIEVAL_QUERY` for what is searched
 * (ai.google.dev/gemini-api/docs/embeddings, "Supported task types").
 */
export function geminiEmbed({
  gemini,
  model = 'gemini-embedding-2',
  dimensions = 768,
}: GeminiEmbedOptions): MemoryEmbed {
  const embeddings = createEmbeddings(gemini);
  return async ({ text, purpose, signal }) => {
    const response = await embeddings.embedContent(
      {
        model,
        content: text,
        taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
        outputDimensionality: dimensions,
      },
      signal === undefined ? undefined : { signal },
    );
    return response.embedding.values;
  };
}
