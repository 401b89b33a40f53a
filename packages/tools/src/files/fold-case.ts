/**
 * `text` folded for a case-insensitive comparison, locale-independent and of the same length in
 * UTF-16 units as `text` (offsets in it are offsets in `text`): `toLowerCase()`, with "İ" (U+0130,
 * Turkish dotted capital I) folded to "i". `toLowerCase()` alone makes it "i̇" (an i and a combining
 * dot, two units), so "istanbul" did not find "İSTANBUL", and every offset after it moved by one.
 * Dotless "ı" stays itself, and what full case folding would lengthen stays as `toLowerCase()`
 * leaves it ("ß" is not "ss", "ﬃ" not "ffi"), as in ripgrep's and Unicode's simple case folding.
 * @internal
 */
export function foldCase(text: string): string {
  return (text.includes('\u0130') ? text.replaceAll('\u0130', 'I') : text).toLowerCase();
}
