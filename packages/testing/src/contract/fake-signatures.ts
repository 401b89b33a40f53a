import { hashString, type SeededRandom } from '../state/seeded-random.ts';

/**
 * Thought signatures the fake issues and later checks. A real signature is an opaque blob bound to
 * the model that produced it; the fake's are self-verifying 48-byte blobs (a marker, a hash of the
 * model name, random bytes, a checksum), base64-encoded like the real ones. Verification needs no
 * memory, so history survives a restart of the fake, and a signature moved to another model, or a
 * random or truncated blob, is refused as the API refuses it.
 * @internal
 */

const signatureLength = 48;
const marker = [0x12, 0x2e, 0x67, 0x6c] as const; // 0x12 makes it start with "E" like real ones.

/** What {@link verifyFakeSignature} found. @internal */
export type FakeSignatureCheck = 'valid' | 'foreign' | 'other-model';

/** A new signature for `model`. @internal */
export function issueFakeSignature(random: SeededRandom, model: string): string {
  const bytes = new Uint8Array(signatureLength);
  bytes.set(marker, 0);
  writeUint32(bytes, 4, hashString(normalizeModel(model)));
  for (let index = 8; index < signatureLength - 4; index += 4) {
    writeUint32(bytes, index, random.nextUint32());
  }
  writeUint32(bytes, signatureLength - 4, checksum(bytes));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Checks a signature sent back: `valid` (issued by a fake for this model), `other-model` (issued
 * for another model), `foreign` (not a fake signature: random, truncated, or a real Google one).
 * Accepts the standard and URL-safe base64 alphabets, padded or not, as the API does.
 * @internal
 */
export function verifyFakeSignature(signature: string, model: string): FakeSignatureCheck {
  const bytes = decodeBase64(signature);
  if (bytes === undefined || bytes.length !== signatureLength) return 'foreign';
  for (let index = 0; index < marker.length; index++) {
    if (bytes[index] !== marker[index]) return 'foreign';
  }
  if (readUint32(bytes, signatureLength - 4) !== checksum(bytes)) return 'foreign';
  return readUint32(bytes, 4) === hashString(normalizeModel(model)) ? 'valid' : 'other-model';
}

function normalizeModel(model: string): string {
  return model.startsWith('models/') ? model.slice(7) : model;
}

function checksum(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < signatureLength - 4; index++) {
    hash ^= bytes[index] as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

function decodeBase64(text: string): Uint8Array | undefined {
  let standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(standard)) return undefined;
  standard += '='.repeat((4 - (standard.length % 4)) % 4);
  try {
    const binary = atob(standard);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}
