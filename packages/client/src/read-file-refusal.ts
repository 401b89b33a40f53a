import type { FileFault } from './client-error.ts';

/** The faults a route's refusal may name, as the page's own check names them. */
const FAULTS: ReadonlySet<string> = new Set<FileFault>([
  'too-many-files',
  'too-large',
  'type-not-taken',
  'not-a-file',
  'unreadable',
]);

/**
 * The file a route refused, read from its `400` body: `{ "error": { "code": "file-refused",
 * "file": <index>, "fault": <FileFault> } }` (what `@gemloop/serve`'s `readPageMessage` refusal
 * is answered with, docs/browser-protocol.md). Only a known fault and a small integer index are
 * taken, never the server's words: anything else is `undefined` (a plain `http-status`). @internal
 */
export function readFileRefusal(body: string): { index: number; fault: FileFault } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error =
    typeof value === 'object' && value !== null ? (value as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, file, fault } = error as Record<string, unknown>;
  if (code !== 'file-refused' || typeof fault !== 'string' || !FAULTS.has(fault)) return undefined;
  if (!Number.isSafeInteger(file) || (file as number) < 0 || (file as number) > 10_000) {
    return undefined;
  }
  return { index: file as number, fault: fault as FileFault };
}
