import { cutText } from './cut-text.ts';

/**
 * A wrong resource name (`files/…`, `batches/…`) as an error quotes it: a string as JSON, cut at
 * 200 characters; anything else as JSON would write it, or by its kind. Never throws: a bigint, a
 * cyclic object or a throwing `toJSON` from a caller (or a model's tool call) must end in the
 * typed error that names the argument, not in JSON.stringify's `TypeError`. @internal
 */
export function describeName(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cutText(value, 200));
  if (typeof value === 'object' && value !== null) {
    try {
      return cutText(JSON.stringify(value), 200);
    } catch {
      return 'an object';
    }
  }
  return typeof value === 'function' ? 'a function' : String(value);
}
