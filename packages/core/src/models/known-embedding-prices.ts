import { freezeDeep } from './freeze-deep.ts';
import type { UsdPerMillion } from './usd.ts';

/**
 * What one embedding model costs per 1M input tokens, per input modality (embeddings have no
 * output tokens). A modality without a rate has an unknown price.
 */
export type EmbeddingPrice = {
  /** Text tokens (and counts the API does not split by modality). */
  text: UsdPerMillion;
  image?: UsdPerMillion | undefined;
  audio?: UsdPerMillion | undefined;
  video?: UsdPerMillion | undefined;
  /** Where the rates were read. */
  source: string;
  /** When the source was checked, `YYYY-MM-DD`. */
  checked: string;
};

/** The tiers an embedding is billed on: online calls, and the Batch API at half the rates. */
export type EmbeddingTier = 'standard' | 'batch';

const PAGE = 'ai.google.dev/gemini-api/docs/pricing';
const CHECKED = '2026-11-25';
const EMBEDDING_2 = `${PAGE}#gemini-embedding-2 (text $0.20, images $0.45, audio $6.50, video $12.00 per 1M tokens; Batch API 50% off), as tabled "straight from Google's pricing page" by tokencost.app/blog/gemini-embedding-2-pricing; text rate also vercel.com/ai-gateway/models/gemini-embedding-2 ($0.2/1M input tokens)`;
const EMBEDDING_001 = `${PAGE}#gemini-embedding (text $0.15 per 1M tokens; Batch API 50% off), as summarised by embeddingcost.com/google and zilliz.com/ai-faq/what-are-the-cost-implications-of-google-embedding-2`;

const embedding2: Record<EmbeddingTier, EmbeddingPrice> = {
  standard: {
    text: '0.20',
    image: '0.45',
    audio: '6.50',
    video: '12.00',
    source: EMBEDDING_2,
    checked: CHECKED,
  },
  batch: {
    text: '0.10',
    image: '0.225',
    audio: '3.25',
    video: '6.00',
    source: EMBEDDING_2,
    checked: CHECKED,
  },
};

/**
 * The Gemini Developer API prices of the embedding models gemloop knows, per tier. Vertex AI bills
 * by its own page; pass your own rates to `embeddingCostOf` there when they differ.
 */
export const knownEmbeddingPrices: Readonly<
  Record<string, Readonly<Record<EmbeddingTier, EmbeddingPrice>>>
> = freezeDeep({
  'gemini-embedding-2': embedding2,
  'gemini-embedding-2-preview': embedding2,
  'gemini-embedding-001': {
    standard: { text: '0.15', source: EMBEDDING_001, checked: CHECKED },
    batch: { text: '0.075', source: EMBEDDING_001, checked: CHECKED },
  },
});
