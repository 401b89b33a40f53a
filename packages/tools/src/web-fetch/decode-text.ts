/**
 * Decodes a body to text: the charset from the header, else for HTML a `<meta charset>` in the
 * first 1024 bytes (as browsers do), else a byte-order mark, else UTF-8. Unknown charsets fall
 * back to UTF-8; undecodable bytes become U+FFFD rather than errors.
 * @internal
 */
export function decodeText({
  bytes,
  charset,
  html,
}: {
  bytes: Buffer;
  charset: string | undefined;
  html: boolean;
}): string {
  const label = bomEncoding(bytes) ?? charset ?? (html ? sniffMetaCharset(bytes) : undefined);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  if (decoder.encoding === 'windows-1252') return decodeWindows1252(bytes);
  return decoder.decode(bytes);
}

function bomEncoding(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

// WHATWG index-windows-1252 for 0x80-0x9F; the rest of windows-1252 is Latin-1.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));

/**
 * Node 20.18.3+ decodes windows-1252 (the target of the latin1, iso-8859-1 and ascii labels too)
 * as plain Latin-1, losing €, curly quotes and dashes (nodejs/node#56542, #60888), so it is
 * decoded here.
 */
function decodeWindows1252(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80] as string);
}

function sniffMetaCharset(bytes: Buffer): string | undefined {
  // Latin-1 maps every byte to one char, so the ASCII markup can be searched whatever the charset.
  const head = bytes.subarray(0, 1024).toString('latin1');
  const match = /<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})/i.exec(head);
  return match?.[1]?.toLowerCase();
}
