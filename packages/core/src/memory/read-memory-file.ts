import {
  MAX_EMBEDDING_DIMENSIONS,
  MAX_MEMORY_TEXT,
  MAX_SCOPE_LENGTH,
} from './check-memory-input.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';
import type { EmbeddedMemory } from './rank-by-similarity.ts';

const FIELDS = new Set([
  'id',
  'scope',
  'kind',
  'text',
  'createdAt',
  'updatedAt',
  'metadata',
  'embedding',
]);

/**
 * One line of a memory file as a record, or why it is not one. Only the known fields are copied
 * (a planted `__proto__` or extra key goes nowhere), and every field's type is checked, since the
 * file may have been written by anyone who can write the folder. @internal
 */
export function parseMemoryLine(line: string): EmbeddedMemory | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  for (const key of Object.keys(value))
    if (!FIELDS.has(key)) return `an unknown field ${JSON.stringify(key.slice(0, 40))}`;
  return checkMemoryRecord(value as Record<string, unknown>);
}

/**
 * A stored memory's fields as a record, or why they are not one: the check a memory file's line
 * and a Postgres row (`@gemloop/dbos`, whose table anyone with access may have written) both get.
 * Only the known fields are read. @internal
 */
export function checkMemoryRecord(
  record: Readonly<Record<string, unknown>>,
): EmbeddedMemory | string {
  const { id, scope, kind, text, createdAt, updatedAt, metadata, embedding } = record;
  for (const [name, field] of Object.entries({ id, scope, text, createdAt, updatedAt })) {
    if (typeof field !== 'string' || field === '') return `no string \`${name}\``;
  }
  // The bounds a store writes within: a planted 1 MB text was recalled into every prompt.
  if ((text as string).length > MAX_MEMORY_TEXT)
    return `a \`text\` over ${MAX_MEMORY_TEXT} characters`;
  if ((scope as string).length > MAX_SCOPE_LENGTH)
    return `a \`scope\` over ${MAX_SCOPE_LENGTH} characters`;
  if (kind !== 'fact' && kind !== 'episode') return 'a `kind` other than fact or episode';
  if (
    !Array.isArray(embedding) ||
    embedding.length === 0 ||
    !embedding.every((number) => typeof number === 'number' && Number.isFinite(number))
  ) {
    return 'no `embedding` of finite numbers';
  }
  if (embedding.length > MAX_EMBEDDING_DIMENSIONS) {
    return `an \`embedding\` of over ${MAX_EMBEDDING_DIMENSIONS} numbers`;
  }
  if (
    metadata !== undefined &&
    (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
  ) {
    return 'a `metadata` that is not an object';
  }
  return {
    id: id as string,
    scope: scope as string,
    kind,
    text: text as string,
    createdAt: createdAt as string,
    updatedAt: updatedAt as string,
    ...(metadata === undefined ? {} : { metadata: metadata as Record<string, unknown> }),
    embedding: embedding as number[],
  };
}

/**
 * Every record of a memory file's text, in order. A line that is not a record fails the whole
 * read with a {@link MemoryError} naming the file and the line (never its text): a store that
 * skipped it would then rewrite the file without it, and lose a user's data silently. @internal
 */
export function parseMemoryFile(
  text: string,
  { path, operation }: { path: string; operation: MemoryOperation },
): EmbeddedMemory[] {
  const records: EmbeddedMemory[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const record = parseMemoryLine(line);
    if (typeof record === 'string') {
      throw new MemoryError({
        operation,
        path,
        message: `The memory file ${path} is not a gemloop memory file: line ${index + 1} has ${record}. Fix or move the file; the store does not read or rewrite it.`,
      });
    }
    records.push(record);
  }
  return records;
}
