import type { CheckContext } from './check-responses.ts';

// The other endpoints' answers (token counts, files, batches, caches, File Search stores) from a
// gateway that writes the proto field names: `next_page_token` read as no token ended a list
// after its first page, `total_tokens` read as 0 (attack47a). The check asks whether the
// camelCase field it needs is missing and its snake_case twin there; only then is the renamer
// (rename-to-camel-case.ts, shared with the model call's) loaded, and the whole answer renamed
// before the same check reads it. A camelCase answer costs a property read or a few.

/** A response check, as `requestJson` takes it. */
type Check<T> = (value: unknown, context: CheckContext) => T;

/** A response check that may load the renamer first: `requestJson` awaits what it returns. */
export type ReadCheck<T> = (value: unknown, context: CheckContext) => T | Promise<T>;

/** Tells whether an answer (an object) is spelt in snake_case. */
type IsSnakeCase = (value: Record<string, unknown>) => boolean;

/**
 * `check`, reading an answer `isSnakeCase` tells apart in camelCase first: the rest of the
 * check (its refusals, its defaults) is the camelCase answer's.
 * @internal
 */
export function readingSnakeCase<T>(check: Check<T>, isSnakeCase: IsSnakeCase): ReadCheck<T> {
  return (value, context) =>
    isObject(value) && isSnakeCase(value)
      ? import('../../wire/rename-to-camel-case.ts').then(({ renameToCamelCase }) =>
          check(renameToCamelCase(value), context),
        )
      : check(value, context);
}

/**
 * Whether `value`, an object, spells the first of `fields` it has in snake_case: a field set in
 * camelCase ends the look at once (the API's answer pays one read), an absent one passes to the
 * next. A field of one word is the same in both spellings: list only two-word ones.
 * @internal
 */
export function hasSnakeTwin(value: unknown, fields: readonly string[]): boolean {
  if (!isObject(value)) return false;
  for (const field of fields) {
    if (value[field] != null) return false;
    const snake = field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    if (value[snake] != null) return true;
  }
  return false;
}

/**
 * Whether a list page is spelt in snake_case: its `next_page_token` (a page before the last),
 * else its item list's field (`cached_contents`), else its first item (the last page of `files`
 * or `operations`, whose field is one word).
 * @internal
 */
export function isSnakeCasePage(
  page: Record<string, unknown>,
  field: string,
  isSnakeCaseItem: (item: unknown) => boolean,
): boolean {
  if (hasSnakeTwin(page, ['nextPageToken'])) return true;
  const items = page[field];
  if (!Array.isArray(items)) return hasSnakeTwin(page, [field]);
  return items.length > 0 && isSnakeCaseItem(items[0]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
