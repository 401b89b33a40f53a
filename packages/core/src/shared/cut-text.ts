/**
 * The first `max` UTF-16 units of `text`, one fewer when the cut would fall inside a surrogate pair
 * (an emoji): its first half alone is no character, and a strict JSON or UTF-8 reader on the way to
 * the model or the page refuses it (or reads U+FFFD). `text` itself when it is no longer.
 * @internal
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last < 0xdc00 ? max - 1 : max);
}

/**
 * `text` cut at `max` ({@link cutText}) with how much was left out, for a message a person or the
 * model reads (a tool's denial, a plugin's failure, a reported check): `text` itself when shorter.
 * @internal
 */
export function cutTextNoted(text: string, max: number): string {
  return text.length > max
    ? `${cutText(text, max)}… [${text.length - max} characters omitted]`
    : text;
}
