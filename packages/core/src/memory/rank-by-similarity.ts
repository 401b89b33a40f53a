import { EmbeddingLengthError } from '../embeddings/embedding-length-error.ts';
import type { MemoryQuery, MemoryRecord, ScoredMemory } from './memory-record.ts';

/** A stored memory with its embedding, as the vector stores keep it. @internal */
export type EmbeddedMemory = MemoryRecord & { readonly embedding: readonly number[] };

/**
 * Cosine similarity of two vectors, in [-1, 1]; 0 when their lengths differ or one is all zeros
 * (a memory embedded with another model or size never matches rather than failing the search).
 * A vector whose squared length overflows (components near 1e155 and up) or underflows (near
 * 1e-155 and down) is scaled first, as cosine does not depend on length: the plain sums gave NaN
 * (Infinity / Infinity), which no `minScore` leaves out and which breaks the sort, or 0 for two
 * vectors of one direction.
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  const plain = cosineOf(a, b);
  return plain === undefined ? (cosineOf(scaled(a), scaled(b)) ?? 0) : plain;
}

// Squared lengths inside these bounds lose nothing to overflow or underflow.
const MIN_SQUARED_NORM = 1e-280;
const MAX_SQUARED_NORM = 1e280;

/** The cosine, clamped to [-1, 1]; `undefined` when a squared length is out of safe range. */
function cosineOf(a: readonly number[], b: readonly number[]): number | undefined {
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
  if (
    !(normA >= MIN_SQUARED_NORM && normA <= MAX_SQUARED_NORM) ||
    !(normB >= MIN_SQUARED_NORM && normB <= MAX_SQUARED_NORM)
  ) {
    return undefined;
  }
  const score = dot / (Math.sqrt(normA) * Math.sqrt(normB));
  return Math.max(-1, Math.min(1, score));
}

/** `vector` divided by its largest magnitude (an all-zero vector as it is). */
function scaled(vector: readonly number[]): readonly number[] {
  let largest = 0;
  for (const value of vector) largest = Math.max(largest, Math.abs(value));
  return largest === 0 ? vector : vector.map((value) => value / largest);
}

/**
 * The exact nearest memories: every candidate scored, the best `limit` kept; a stored memory
 * whose embedding is not the query's length throws `EmbeddingLengthError`. Linear in the number
 * of memories, which the stores bound (thousands per user, not millions). @internal
 */
export function rankBySimilarity(
  memories: Iterable<EmbeddedMemory>,
  query: MemoryQuery & { embedding: readonly number[] },
): ScoredMemory[] {
  const minScore = query.minScore ?? -1;
  const scored: ScoredMemory[] = [];
  const length = query.embedding.length;
  for (const memory of memories) {
    // Refused where a stored row is read: cosine of vectors of two lengths means nothing, and
    // scoring it 0 (cosineSimilarity's answer) left a search finding nothing without a word.
    if (memory.embedding.length !== length) {
      throw new EmbeddingLengthError({
        expected: length,
        received: memory.embedding.length,
        source: 'stored-memory',
        memoryId: memory.id,
      });
    }
    const score = cosineSimilarity(memory.embedding, query.embedding);
    if (score < minScore) continue;
    const { embedding: _embedding, ...record } = memory;
    scored.push({ ...record, score });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, query.limit);
}
