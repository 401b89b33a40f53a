import { UNPRINTABLE } from '@gemloop/core/internal';

/**
 * A server's text as it may reach a terminal: control characters (escape sequences, carriage
 * returns, line separators, bidirectional overrides) made visible as `?`, and cut at `max` characters.
 */
export function shown(text: string, max: number): string {
  const clean = String(text).replace(UNPRINTABLE, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
