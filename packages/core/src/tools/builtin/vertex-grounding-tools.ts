import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type {
  EnterpriseWebSearch,
  ExaAiSearch,
  ParallelAiSearch,
  Retrieval,
} from '../../wire/request.ts';
import { requireObject } from '../responses/require-object.ts';
import type { BuiltinTool } from '../tool.ts';
import { stringList } from './built-in-tools.ts';

// Vertex AI's grounding tools (`@google/genai` 3.1.0 `Tool`: "This field is not supported in
// Gemini API"). Sent on any client: a gateway may serve them; on Google's Gemini API endpoint the
// client logs a warning (http/endpoint-field-warnings.ts) and sends them anyway. Their answers
// carry `groundingMetadata`, kept verbatim in the step and the history like Google Search's.

/** The options of {@link enterpriseWebSearch} (`@google/genai` 3.1.0 `EnterpriseWebSearch`). */
export type EnterpriseWebSearchOptions = {
  /** Domains to leave out of the results (the API takes up to 2000 by default). */
  excludeDomains?: string[] | undefined;
  /** Block sites at or above this phishing confidence, e.g. `BLOCK_MEDIUM_AND_ABOVE`. */
  blockingConfidence?: string | undefined;
  /** Fields newer than gemloop, sent as they are. */
  [option: string]: unknown;
};

/**
 * Enterprise web search (`tools: [{ enterpriseWebSearch: {} }]`): web grounding with Vertex AI
 * Search compliance controls. Vertex only.
 */
export function enterpriseWebSearch(options: EnterpriseWebSearchOptions = {}): BuiltinTool {
  requireObject(options, 'options', 'enterpriseWebSearch() takes { excludeDomains? }, or nothing');
  const config: EnterpriseWebSearch = { ...options };
  if (options.excludeDomains !== undefined) {
    config.excludeDomains = stringList(
      options.excludeDomains,
      'excludeDomains',
      'enterpriseWebSearch',
      { of: 'domains', example: '"example.com"', nonEmpty: false },
    );
  }
  return builtin('enterpriseWebSearch', { enterpriseWebSearch: config });
}

/** The options of {@link exaAiSearch} (`@google/genai` 3.1.0 `ToolExaAiSearch`). */
export type ExaAiSearchOptions = {
  /**
   * The Exa.ai API key (the API requires it). It travels in the request body: gemloop never logs
   * or records request tools, but keep HTTP body logging (a proxy's, `trace`) off.
   */
  apiKey: string;
  /** Any parameter of the Exa.ai Search API. */
  customConfigs?: Record<string, unknown> | undefined;
  [option: string]: unknown;
};

/** Grounding on Exa.ai search (`tools: [{ exaAiSearch: { apiKey } }]`). Vertex only. */
export function exaAiSearch(options: ExaAiSearchOptions): BuiltinTool {
  requireObject(options, 'options', 'exaAiSearch() takes { apiKey, customConfigs? }');
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    // Never echo the value: it is a credential.
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message: 'exaAiSearch needs apiKey: your Exa.ai API key, a non-empty string.',
    });
  }
  checkRecord(options.customConfigs, 'customConfigs', 'exaAiSearch');
  const config: ExaAiSearch = { ...options };
  return builtin('exaAiSearch', { exaAiSearch: config });
}

/** The options of {@link parallelAiSearch} (`@google/genai` 3.1.0 `ToolParallelAiSearch`). */
export type ParallelAiSearchOptions = {
  /**
   * The Parallel.ai API key; without it Vertex checks for a Google Cloud Marketplace subscription.
   * It travels in the request body (see {@link ExaAiSearchOptions.apiKey}).
   */
  apiKey?: string | undefined;
  /** `source_policy`, `excerpts`, `max_results`, `mode`, `fetch_policy` of the Parallel.ai API. */
  customConfigs?: Record<string, unknown> | undefined;
  /** Use Parallel's Zero Data Retention product. */
  enableZeroDataRetention?: boolean | undefined;
  [option: string]: unknown;
};

/** Grounding on Parallel.ai search (`tools: [{ parallelAiSearch: {} }]`). Vertex only. */
export function parallelAiSearch(options: ParallelAiSearchOptions = {}): BuiltinTool {
  requireObject(options, 'options', 'parallelAiSearch() takes { apiKey?, customConfigs? }');
  if (options.apiKey !== undefined && typeof options.apiKey !== 'string') {
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message:
        'parallelAiSearch apiKey must be a string (or left out for a Marketplace subscription).',
    });
  }
  checkRecord(options.customConfigs, 'customConfigs', 'parallelAiSearch');
  const config: ParallelAiSearch = { ...options };
  return builtin('parallelAiSearch', { parallelAiSearch: config });
}

/** The options of {@link retrieval} (`@google/genai` 3.1.0 `Retrieval`): one source. */
export type RetrievalOptions = {
  /** Vertex AI Search: `{ datastore }` or `{ engine, dataStoreSpecs? }`, with `filter`, `maxResults`. */
  vertexAiSearch?: Record<string, unknown> | undefined;
  /** A Vertex RAG store: `{ ragResources: [{ ragCorpus }], similarityTopK?, ... }`. */
  vertexRagStore?: Record<string, unknown> | undefined;
  /** An external search API: `{ endpoint, apiSpec, authConfig, ... }`. */
  externalApi?: Record<string, unknown> | undefined;
  [option: string]: unknown;
};

const RETRIEVAL_SOURCES = ['vertexAiSearch', 'vertexRagStore', 'externalApi'] as const;

/**
 * Retrieval grounding (`tools: [{ retrieval: { vertexAiSearch } }]`) on Vertex AI Search, a Vertex
 * RAG store or an external API; the system always retrieves before answering. Vertex only.
 * @throws {@link InvalidArgumentError} unless exactly one of the three sources is given.
 */
export function retrieval(options: RetrievalOptions): BuiltinTool {
  requireObject(
    options,
    'options',
    'retrieval() takes { vertexAiSearch } or { vertexRagStore } or { externalApi }',
  );
  const given = RETRIEVAL_SOURCES.filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `retrieval() takes exactly one source, vertexAiSearch, vertexRagStore or externalApi; got ${given.length === 0 ? 'none' : given.join(' and ')}.`,
    });
  }
  for (const key of RETRIEVAL_SOURCES) checkRecord(options[key], key, 'retrieval');
  const config: Retrieval = { ...options };
  return builtin('retrieval', { retrieval: config });
}

function builtin(type: BuiltinTool['type'], tool: BuiltinTool['tool']): BuiltinTool {
  return Object.freeze({ kind: 'builtin', type, tool });
}

function checkRecord(value: unknown, argument: string, owner: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError({
      argument,
      message: `${owner} ${argument} must be an object.`,
    });
  }
}
