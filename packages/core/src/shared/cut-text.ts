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

/**
 * A name a model or a gateway wrote (a tool's name, a call id, a model version) as gemloop's own
 * texts quote it (messages, logs, span attributes): whole up to 128 characters, the bound Gemini
 * puts on a function name (check-tool-name.ts), so only a name no declared tool has is cut, with
 * a note ({@link cutTextNoted}). Redact before cutting: a cut through a key would keep its start.
 * @internal
 */
export function cutName(name: string): string {
  return cutTextNoted(name, 128);
}

/** The UTF-8 size of a text, without encoding it. @internal */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
      // A lone surrogate is written as U+FFFD, 3 bytes (TextEncoder), as is any other code unit.
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
