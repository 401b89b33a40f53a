/**
 * Whether the start of some bytes looks binary: a NUL byte (outside UTF-16), or, for UTF-8 or an
 * unnamed charset, bytes that are not UTF-8 in the first KB (a multi-byte character cut at the
 * 1024th byte is not counted against it).
 * @internal
 */
export function looksBinary(bytes: Uint8Array, charset?: string | undefined): boolean {
  const head = bytes.subarray(0, 1024);
  if (charset?.startsWith('utf-16') === true) return false;
  if (head.includes(0)) return true;
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length === 1024 });
    return false;
  } catch {
    return true;
  }
}
