import { MIN_KEY_LENGTH } from './redact-secrets.ts';

/**
 * The shortest secret whose other-case forms are redacted too: a folded 8-character secret may
 * be a word (`Password` → `password`), which would be cut from every message; 16 characters of a
 * key, lower-cased, are not (Google's keys have 39, gateways' `sk-...` more).
 */
const MIN_FOLDED_LENGTH = 16;

/**
 * `secret` and the forms a server may quote it in, each to be redacted like the secret itself: a
 * proxy's log lower- or upper-cases it (secrets of {@link MIN_FOLDED_LENGTH} characters and more),
 * a gateway that read it from a query URL-encodes it, and one that reports the `Authorization:
 * Basic` it built quotes it in base64 inside `user:key`. For base64 (and base64url) the forms are
 * the characters that encode the secret's bytes alone, at each of the three byte offsets it can
 * start at, whatever surrounds it; the one or two characters at each end mix in its neighbours'
 * bits and stay (at most 12 bits of the key, as the `[redacted]` of a cut key leaves none).
 * Forms shorter than the key rule's minimum are left out. Made once per secret, when the list
 * learns it: redaction then searches a few more strings (each `includes` is a linear scan).
 * @internal
 */
export function secretForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  if (secret.length >= MIN_FOLDED_LENGTH) forms.push(secret.toLowerCase(), secret.toUpperCase());
  // Its UTF-8 bytes as a binary string, what `btoa` encodes (a loop: a spread of a huge secret's
  // bytes would pass the arguments limit).
  let bytes = '';
  for (const byte of new TextEncoder().encode(secret)) bytes += String.fromCharCode(byte);
  for (let offset = 0; offset < 3; offset++) {
    // `offset` bytes before it: 4 characters per 3 bytes, its own from the first that starts at or
    // after its first byte to the last that ends at or before its last.
    const own = btoa('\0'.repeat(offset) + bytes).slice(
      Math.ceil((offset * 4) / 3),
      Math.floor(((offset + bytes.length) * 4) / 3),
    );
    forms.push(own, own.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_KEY_LENGTH);
}
