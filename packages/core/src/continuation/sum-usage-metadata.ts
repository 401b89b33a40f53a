import type { ModalityTokenCount, UsageMetadata } from '../wire/response.ts';

const COUNTS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'cachedContentTokenCount',
  'totalTokenCount',
] as const;

const DETAILS = [
  'promptTokensDetails',
  'candidatesTokensDetails',
  'cacheTokensDetails',
  'toolUsePromptTokensDetails',
] as const;

/**
 * The usage of two requests added up: every count (`promptTokenCount` included: each hop of a
 * long-decode answer is billed for its prompt) and the per-modality details, modality by modality
 * (`@google/genai` 3.1.0 `mergeUsageMetadata` / `mergeModalityTokenCounts`). Other fields
 * (`serviceTier`, `trafficType`) come from the later one. A count neither reported stays absent.
 * @internal
 */
export function sumUsageMetadata(
  earlier: UsageMetadata | undefined,
  later: UsageMetadata | undefined,
): UsageMetadata | undefined {
  if (earlier === undefined) return later;
  if (later === undefined) return earlier;
  const sum: UsageMetadata = { ...earlier, ...later };
  for (const key of COUNTS) {
    const a = earlier[key];
    const b = later[key];
    if (isCount(a) || isCount(b)) sum[key] = (isCount(a) ? a : 0) + (isCount(b) ? b : 0);
  }
  for (const key of DETAILS) {
    const a = earlier[key];
    const b = later[key];
    if (Array.isArray(a) || Array.isArray(b)) sum[key] = sumDetails(a ?? [], b ?? []);
  }
  return sum;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function sumDetails(
  earlier: readonly ModalityTokenCount[],
  later: readonly ModalityTokenCount[],
): ModalityTokenCount[] {
  const byModality = new Map<unknown, number>();
  for (const list of [earlier, later]) {
    for (const item of list) {
      if (item === null || typeof item !== 'object') continue;
      const count = isCount(item.tokenCount) ? item.tokenCount : 0;
      byModality.set(item.modality, (byModality.get(item.modality) ?? 0) + count);
    }
  }
  return [...byModality].map(([modality, tokenCount]) => ({
    modality: modality as ModalityTokenCount['modality'],
    tokenCount,
  }));
}
