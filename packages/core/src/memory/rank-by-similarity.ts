import type { MemoryQuery, MemoryRecord, ScoredMemory } from './memory-record.ts';

/** A stored memory with its embedding, as the vector stores keep it. @internal */
export type EmbeddedMemory = MemoryRecord & { readonly embedding: readonly number[] };

/**
 * Cosine similarity of two vectors; 0 when their lengths differ or one is all zeros (a memory
 * embedded with another model or size never matches rather than failing the search).
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index] as number;
    const y = b[index] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The exact nearest memories: every candidate scored, the best `limit` kept. Linear in the number
 * of memories, which the stores bound (thousands per user, not millions). @internal
 */
export function rankBySimilarity(
  memories: Iterable<EmbeddedMemory>,
  query: MemoryQuery & { embedding: readonly number[] },
): ScoredMemory[] {
  const minScore = query.minScore ?? -1;
  const scored: ScoredMemory[] = [];
  for (const memory of memories) {
    const score = cosineSimilarity(memory.embedding, query.embedding);
    if (score < minScore) continue;
    const { embedding: _embedding, ...record } = memory;
    scored.push({ ...record, score });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, query.limit);
}
