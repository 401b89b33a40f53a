import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  booleanOption,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  integerOption,
  optionCheck,
} from '../../options/define-options.ts';
import { describeName } from '../../shared/describe-name.ts';
import type { ChunkingConfig, CustomMetadata } from '../../wire/file-search-store.ts';
import { uploadOptionsDeclaration } from '../files/file-options.ts';
import { callOptionsDeclaration } from '../options/resolve-call-options.ts';
import type {
  CreateFileSearchStoreOptions,
  DeleteFileSearchStoreOptions,
  FileSearchDocumentOptions,
  ImportFileOptions,
  UploadToFileSearchStoreOptions,
  WaitForOperationOptions,
} from './file-search-stores.ts';

const call = callOptionsDeclaration.checks;
/** A document holds at most 20 entries (ai.google.dev/api/file-search/documents#Document). */
const MAX_METADATA = 20;

const metadataCheck = optionCheck(
  (value) => Array.isArray(value) && value.length <= MAX_METADATA && value.every(isMetadata),
  `options.customMetadata must be at most ${MAX_METADATA} entries, each { key, stringValue } or { key, stringListValue: { values } } or { key, numericValue } (one value per key).`,
);

const chunkingCheck = optionCheck(
  isChunkingConfig,
  'options.chunkingConfig must be { whiteSpaceConfig: { maxTokensPerChunk, maxOverlapTokens } } with positive integers (overlap smaller than the chunk).',
);

const documentChecks = { customMetadata: metadataCheck, chunkingConfig: chunkingCheck };

/** `fileSearchStores.create`'s options. @internal */
export const createStoreOptionsDeclaration: DeclaredOptions<CreateFileSearchStoreOptions> =
  defineOptions<CreateFileSearchStoreOptions>({
    name: 'fileSearchStores.create',
    unknownKey: 'Unknown fileSearchStores.create option',
    path: 'options',
    example: "{ displayName: 'handbook' }",
    checks: {
      ...call,
      displayName: optionCheck(
        (value) => typeof value === 'string' && value.length <= 512,
        'options.displayName must be a string of at most 512 characters.',
      ),
      embeddingModel: optionCheck(
        (value) => typeof value === 'string' && /^models\/[\w.-]+$/.test(value),
        "options.embeddingModel must be a model name such as 'models/gemini-embedding-001'.",
      ),
    },
  });

/** The `force` of a delete. @internal */
export const deleteStoreOptionsDeclaration: DeclaredOptions<DeleteFileSearchStoreOptions> =
  defineOptions<DeleteFileSearchStoreOptions>({
    name: 'fileSearchStores.delete',
    unknownKey: 'Unknown delete option',
    path: 'options',
    example: '{ force: true }',
    checks: { ...call, force: booleanOption() },
  });

/** `fileSearchStores.upload`'s options: the Files upload's and the document's. @internal */
export const uploadToStoreOptionsDeclaration: DeclaredOptions<UploadToFileSearchStoreOptions> =
  defineOptions<UploadToFileSearchStoreOptions>({
    name: 'fileSearchStores.upload',
    unknownKey: 'Unknown fileSearchStores.upload option',
    path: 'options',
    example: "{ mimeType: 'text/plain', displayName, customMetadata, chunkingConfig }",
    checks: { ...uploadOptionsDeclaration.checks, ...documentChecks },
  });

/** `fileSearchStores.importFile`'s options. @internal */
export const importFileOptionsDeclaration: DeclaredOptions<ImportFileOptions> =
  defineOptions<ImportFileOptions>({
    name: 'fileSearchStores.importFile',
    unknownKey: 'Unknown fileSearchStores.importFile option',
    path: 'options',
    example: '{ customMetadata, chunkingConfig }',
    checks: { ...call, ...documentChecks },
  });

/** `fileSearchStores.waitForOperation`'s options. @internal */
export const waitOptionsDeclaration: DeclaredOptions<WaitForOperationOptions> =
  defineOptions<WaitForOperationOptions>({
    name: 'fileSearchStores.waitForOperation',
    unknownKey: 'Unknown wait option',
    path: 'options',
    example: '{ pollIntervalMs: 1000, signal }',
    checks: {
      ...call,
      pollIntervalMs: integerOption({ min: 0 }),
      maxPollIntervalMs: integerOption({ min: 0 }),
      maxPolls: integerOption({ min: 1 }),
      onPoll: functionOption('options.onPoll must be a function (operation) => void.'),
    },
  });

/** The document fields of an upload's or an import's body, copied (never the caller's objects). @internal */
export function toDocumentFields(options: FileSearchDocumentOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (options.customMetadata !== undefined)
    fields['customMetadata'] = structuredClone(options.customMetadata);
  if (options.chunkingConfig !== undefined)
    fields['chunkingConfig'] = structuredClone(options.chunkingConfig);
  return fields;
}

/** Refuses a file name that is not `files/{id}` (importFile's). @internal */
export function checkImportedFileName(fileName: unknown): string {
  if (typeof fileName === 'string' && /^files\/[A-Za-z0-9_-]{1,128}$/.test(fileName))
    return fileName;
  throw new InvalidArgumentError({
    argument: 'fileName',
    message: `fileName must be a Files API name such as 'files/abc123' (what files.upload returned); got ${describeName(fileName)}.`,
  });
}

function isMetadata(value: unknown): value is CustomMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  if (typeof entry['key'] !== 'string' || entry['key'] === '') return false;
  const list = entry['stringListValue'] as { values?: unknown } | undefined;
  const given = [
    typeof entry['stringValue'] === 'string',
    typeof entry['numericValue'] === 'number' && Number.isFinite(entry['numericValue']),
    typeof list === 'object' &&
      list !== null &&
      Array.isArray(list.values) &&
      list.values.every((item) => typeof item === 'string'),
  ].filter(Boolean).length;
  const keys = Object.keys(entry).filter((key) => entry[key] !== undefined);
  return given === 1 && keys.length === 2;
}

function isChunkingConfig(value: unknown): value is ChunkingConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const config = value as Record<string, unknown>;
  if (Object.keys(config).some((key) => key !== 'whiteSpaceConfig')) return false;
  const white = config['whiteSpaceConfig'];
  if (white === undefined) return true;
  if (typeof white !== 'object' || white === null) return false;
  const { maxTokensPerChunk, maxOverlapTokens, ...rest } = white as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return false;
  const positive = (number: unknown): boolean =>
    number === undefined || (Number.isInteger(number) && (number as number) > 0);
  if (
    !positive(maxTokensPerChunk) ||
    !(
      maxOverlapTokens === undefined ||
      (Number.isInteger(maxOverlapTokens) && (maxOverlapTokens as number) >= 0)
    )
  )
    return false;
  return (
    maxTokensPerChunk === undefined ||
    maxOverlapTokens === undefined ||
    (maxOverlapTokens as number) < (maxTokensPerChunk as number)
  );
}
