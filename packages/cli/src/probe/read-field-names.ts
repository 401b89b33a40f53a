import { renameToCamelCase } from '@gemloop/core/internal';
import { isObject } from './read-probe-answer.ts';

/**
 * The proto field names a gateway that translates Gemini's answers writes instead of the API's
 * lowerCamelCase ones (proto3 JSON makes both the same message, gemini-wire.md section 1). The
 * ones every answer carries, so one is enough to tell.
 */
const SNAKE_FIELDS = ['usage_metadata', 'prompt_feedback', 'model_version', 'response_id'] as const;
const SNAKE_CANDIDATE_FIELDS = ['finish_reason', 'safety_ratings', 'citation_metadata'] as const;

/**
 * The snake_case field names an answer (or a stream's chunk) is written in, at its top and in its
 * first candidate; empty for the API's camelCase. @internal
 */
export function snakeCaseFieldsOf(value: unknown): string[] {
  if (!isObject(value)) return [];
  const found: string[] = SNAKE_FIELDS.filter((name) => value[name] != null);
  const candidates = value['candidates'];
  const candidate = Array.isArray(candidates) ? candidates[0] : undefined;
  if (isObject(candidate)) {
    found.push(...SNAKE_CANDIDATE_FIELDS.filter((name) => candidate[name] != null));
  }
  return found;
}

/**
 * Reads a gateway's answers as gemloop does: one written in snake_case field names is renamed to
 * camelCase (the loop's own renamer), so the probe's other lines judge what gemloop sees; the
 * names seen are kept for the field-names line. @internal
 */
export function createFieldNameReader(): {
  read: (value: unknown) => unknown;
  seen: () => string[];
} {
  const seen = new Set<string>();
  return {
    read: (value) => {
      const fields = snakeCaseFieldsOf(value);
      if (fields.length === 0) return value;
      for (const field of fields) seen.add(field);
      return renameToCamelCase(value);
    },
    seen: () => [...seen],
  };
}
