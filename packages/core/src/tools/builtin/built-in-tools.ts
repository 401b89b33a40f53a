import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import type { FileSearch, GoogleMaps, GoogleSearch, Interval } from '../../wire/request.ts';
import { requireObject } from '../responses/require-object.ts';
import type { BuiltinTool } from '../tool.ts';

// Gemini's built-in (server-side) tools, as values that sit in the same `tools` list as function
// tools. Gemini runs them; the agent only sends them. Combining them with function tools needs
// Gemini 3 and `toolConfig.includeServerSideToolInvocations` (wire doc §7), which the agent sets.

/** The options of {@link googleSearch}. */
export type GoogleSearchOptions = {
  /** Only results published in this interval. Dates become RFC 3339 strings. */
  timeRangeFilter?:
    | { startTime?: Date | string | undefined; endTime?: Date | string | undefined }
    | undefined;
  /** Domains to leave out of the results. Vertex only: the Gemini API rejects the field. */
  excludeDomains?: string[] | undefined;
  /** Fields newer than gemloop, sent as they are. */
  [option: string]: unknown;
};

/**
 * Google Search grounding (`tools: [{ googleSearch: {} }]`), Gemini 2.0 and later. The answer's
 * `groundingMetadata` carries the sources.
 */
export function googleSearch(options: GoogleSearchOptions = {}): BuiltinTool {
  requireObject(
    options,
    'options',
    'googleSearch() takes an options object such as { timeRangeFilter }, or nothing',
  );
  const { timeRangeFilter, excludeDomains, ...rest } = options;
  const config: GoogleSearch = { ...rest };
  if (excludeDomains !== undefined) {
    config.excludeDomains = stringList(excludeDomains, 'excludeDomains', 'googleSearch', {
      of: 'domains',
      example: '"example.com"',
      nonEmpty: false,
    });
  }
  if (timeRangeFilter !== undefined) {
    // `null` threw a TypeError, and a string ("last week") became an empty interval that filtered
    // nothing, without a word.
    requireObject(
      timeRangeFilter,
      'timeRangeFilter',
      'googleSearch timeRangeFilter takes { startTime, endTime } (Dates or RFC 3339 timestamps)',
    );
    const interval: Interval = {};
    if (timeRangeFilter.startTime !== undefined) {
      interval.startTime = toTimestamp(timeRangeFilter.startTime, 'timeRangeFilter.startTime');
    }
    if (timeRangeFilter.endTime !== undefined) {
      interval.endTime = toTimestamp(timeRangeFilter.endTime, 'timeRangeFilter.endTime');
    }
    config.timeRangeFilter = interval;
  }
  return builtin('googleSearch', { googleSearch: config });
}

/** URL context: the model reads the URLs in the prompt (`tools: [{ urlContext: {} }]`). */
export function urlContext(): BuiltinTool {
  return builtin('urlContext', { urlContext: {} });
}

/** Code execution: the model writes and runs Python (`executableCode`/`codeExecutionResult` parts). */
export function codeExecution(): BuiltinTool {
  return builtin('codeExecution', { codeExecution: {} });
}

/** The options of {@link googleMaps}. */
export type GoogleMapsOptions = {
  /** Return a widget context token in the grounding metadata. */
  enableWidget?: boolean | undefined;
  [option: string]: unknown;
};

/**
 * Google Maps grounding (`tools: [{ googleMaps: {} }]`). The user's location goes in the agent's
 * `toolConfig.retrievalConfig.latLng`.
 */
export function googleMaps(options: GoogleMapsOptions = {}): BuiltinTool {
  // `null` and `5` became `{}`, and a string its characters, without a word (attack14).
  requireObject(
    options,
    'options',
    'googleMaps() takes an options object such as { enableWidget: true }, or nothing',
  );
  if (options.enableWidget !== undefined && typeof options.enableWidget !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'enableWidget',
      message: `googleMaps enableWidget must be true or false, got ${describeValue(options.enableWidget)}.`,
    });
  }
  const config: GoogleMaps = { ...options };
  return builtin('googleMaps', { googleMaps: config });
}

/** The options of {@link fileSearch}. */
export type FileSearchOptions = {
  /** The File Search stores to search, `fileSearchStores/<id>`. At least one. */
  fileSearchStoreNames: string[];
  /** A metadata filter (AIP-160 syntax). */
  metadataFilter?: string | undefined;
  /** How many chunks to retrieve. */
  topK?: number | undefined;
};

/**
 * File Search over File Search stores (Gemini API only, 2.5 and later): Google retrieves from
 * the stores inside the model's turn and cites what it used (`groundingMetadata`, each chunk's
 * `retrievedContext` with `fileSearchStore`). Build the stores with `createFileSearchStores`
 * (`@gemloop/core/http`).
 */
export function fileSearch(options: FileSearchOptions): BuiltinTool {
  const { fileSearchStoreNames, metadataFilter, topK } = options ?? ({} as FileSearchOptions);
  const names = stringList(fileSearchStoreNames, 'fileSearchStoreNames', 'fileSearch', {
    of: 'store names',
    example: '"fileSearchStores/my-store-123"',
    nonEmpty: true,
  });
  // The API reads `topK` as an int32 and `metadataFilter` as a string: 1e300 or a number filter
  // were sent as they were, for a 400 that named the field of the request, not this call.
  if (topK !== undefined && !(Number.isInteger(topK) && topK > 0 && topK <= MAX_INT32)) {
    throw new InvalidArgumentError({
      argument: 'topK',
      message: `fileSearch topK must be a positive integer up to ${MAX_INT32}, got ${describeValue(topK)}.`,
    });
  }
  if (metadataFilter !== undefined && typeof metadataFilter !== 'string') {
    throw new InvalidArgumentError({
      argument: 'metadataFilter',
      message: `fileSearch metadataFilter must be a string (an AIP-160 filter such as 'genre = "fiction"'), got ${describeValue(metadataFilter)}.`,
    });
  }
  const config: FileSearch = { fileSearchStoreNames: names };
  if (metadataFilter !== undefined) config.metadataFilter = metadataFilter;
  if (topK !== undefined) config.topK = topK;
  return builtin('fileSearch', { fileSearch: config });
}

/** The largest value of the API's int32 fields (`topK`). */
const MAX_INT32 = 2 ** 31 - 1;

/**
 * A copy of a list of non-empty strings, read by index: `every` skips a sparse list's holes, so
 * `[, 'a']` passed and sent `null` as a store name. `list` says what it holds.
 * @internal
 */
export function stringList(
  value: unknown,
  argument: string,
  tool: string,
  list: { of: string; example: string; nonEmpty: boolean },
): string[] {
  const fix = `${tool} needs ${argument}: a ${list.nonEmpty ? 'non-empty ' : ''}list of ${list.of} like ${list.example}`;
  if (!Array.isArray(value) || (list.nonEmpty && value.length === 0)) {
    throw new InvalidArgumentError({ argument, message: `${fix}, got ${describeValue(value)}.` });
  }
  const copy: string[] = [];
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item !== 'string' || item === '') {
      throw new InvalidArgumentError({
        argument: `${argument}[${index}]`,
        message: `${fix}; [${index}] is ${item === undefined ? 'missing' : describeValue(item)}.`,
      });
    }
    copy.push(item);
  }
  return copy;
}

function builtin(type: BuiltinTool['type'], tool: BuiltinTool['tool']): BuiltinTool {
  return Object.freeze({ kind: 'builtin', type, tool });
}

function toTimestamp(value: Date | string, argument: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new InvalidArgumentError({
        argument,
        message: `googleSearch ${argument} is an invalid Date.`,
      });
    }
    return value.toISOString();
  }
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError({
      argument,
      message: `googleSearch ${argument} must be a Date or an RFC 3339 timestamp such as "2026-01-01T00:00:00Z", got ${describeValue(value)}.`,
    });
  }
  return value;
}
