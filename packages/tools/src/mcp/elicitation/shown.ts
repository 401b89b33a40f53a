/**
 * A server's text as it may reach a terminal: control characters (escape sequences, carriage
 * returns, bidirectional overrides) made visible as `?`, and cut at `max` characters.
 */
export function shown(text: string, max: number): string {
  const clean = String(text).replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    '?',
  );
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
