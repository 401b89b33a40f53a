import { setOwnKey } from '../shared/set-own-key.ts';
import { parseGenerateContentResponse } from './parse-generate-content-response.ts';
import type { UsageMetadata } from './response.ts';

// A gateway's answer in the proto field names (`usage_metadata`, `function_call`, ...), read in
// the lowerCamelCase names the API answers with (proto3 JSON makes them one message,
// gemini-wire.md section 1). Loaded with the first such answer only (`import()`): an app whose
// API answers in camelCase never loads it.

/** The free-form `google.protobuf.Struct` fields of a response: their keys are data, kept. */
const STRUCT_FIELDS: ReadonlySet<string> = new Set(['args', 'response']);

/**
 * `value` with every key that has an inner `_` renamed to lowerCamelCase, at every depth but
 * inside the free-form `Struct` fields (`args`, `response`), whose keys are the tool's data; a
 * key set in camelCase too keeps its camelCase value. @internal
 */
export function renameToCamelCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameToCamelCase);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const target: Record<string, unknown> = {};
  for (const key in source) {
    // An `_` after a letter or digit only: a leading one (`__proto__`) is no word break.
    const name = key.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_match, letter: string) =>
      letter.toUpperCase(),
    );
    if (name !== key && Object.hasOwn(source, name) && source[name] != null) continue;
    const field = source[key];
    setOwnKey(target, name, STRUCT_FIELDS.has(name) ? field : renameToCamelCase(field));
  }
  return target;
}

/**
 * A `usage_metadata` of a stream cut after snake_case chunks, read as a camelCase `UsageMetadata`
 * and checked as a unary body's usage is; `undefined` when it is not one (the cut's error stands
 * without a partial usage). @internal
 */
export function camelCaseUsage(usage: unknown): UsageMetadata | undefined {
  const result = parseGenerateContentResponse({ usageMetadata: renameToCamelCase(usage) });
  return result.ok ? result.value.usageMetadata : undefined;
}
