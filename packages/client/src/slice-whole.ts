/**
 * The first `maxChars` UTF-16 code units of `text`, one fewer when the last is the first half of a
 * surrogate pair: `slice` cut an emoji in two, and a page showed (or a log kept) half of it, a
 * lone surrogate that is no character (client68). @internal
 */
export function sliceWhole(text: string, maxChars: number): string {
  const cut = text.slice(0, maxChars);
  // A first half last: its pair was cut off (or `text` was cut short before it came here).
  return (cut.charCodeAt(cut.length - 1) & 0xfc00) === 0xd800 ? cut.slice(0, -1) : cut;
}
