/**
 * The id a memory written on the model's behalf is kept under, made of what identifies the write:
 * the same `parts` (JSON) give the same id, so the write run again (a durable replay of a hook not
 * yet recorded, a takeover, a retried turn), even at once with the first, keeps one memory, since
 * a store given an id the scope already holds returns that memory (`NewMemory.id`). `<prefix>-`
 * and the first 128 bits of the parts' SHA-256, in hex. @internal
 */
export async function memoryIdOf(prefix: string, parts: readonly unknown[]): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(parts));
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of hash.subarray(0, 16)) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}-${hex}`;
}
