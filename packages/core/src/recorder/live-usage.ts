import type { RecordedLiveUsage } from './recorded-live.ts';

// A live session's usage counts and its cost in exact picodollars (createLiveRecorder's totals).

export const USAGE_KEYS = [
  'promptTokenCount',
  'responseTokenCount',
  'thoughtsTokenCount',
  'totalTokenCount',
] as const;

export function usageOf(usage: unknown): RecordedLiveUsage {
  const read = (key: string): number | undefined => {
    const value = (usage as Record<string, unknown> | null)?.[key];
    // A count as the session's cost and spans read one (liveCostOf): a server's negative,
    // fractional or 1e308 count made the recording's totals -2, 0.5 or null (attack60).
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? value
      : undefined;
  };
  const recorded: RecordedLiveUsage = {};
  for (const key of USAGE_KEYS) {
    const value = read(key);
    if (value !== undefined) recorded[key] = value;
  }
  return recorded;
}

const PICOS = 10n ** 12n;
export function toPicos(usd: string | null): bigint | undefined {
  const match = typeof usd === 'string' ? /^(\d{1,15})(?:\.(\d{1,12}))?$/.exec(usd) : null;
  if (match === null) return undefined;
  return BigInt(match[1] as string) * PICOS + BigInt((match[2] ?? '').padEnd(12, '0'));
}
export function fromPicos(picos: bigint): string {
  const fraction = (picos % PICOS).toString().padStart(12, '0').replace(/0+$/, '');
  return fraction === '' ? (picos / PICOS).toString() : `${picos / PICOS}.${fraction}`;
}
