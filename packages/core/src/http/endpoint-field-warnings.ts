import type { Logger } from '../logging/logger.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { DEFAULT_BASE_URL } from './options/normalize-base-url.ts';

/**
 * Request fields and tools Google documents one endpoint refusing, read from `@google/genai`
 * 3.1.0's request converters (dist/index.mjs): its Gemini API converters throw "... parameter is
 * only supported in Gemini Enterprise Agent Platform mode, not in Gemini Developer API mode" for
 * `modelArmorConfig` and the tools `retrieval`, `enterpriseWebSearch`, `exaAiSearch`,
 * `parallelAiSearch`; its Vertex converter throws "store parameter is only supported in Gemini
 * Developer API mode" (and the `store` TSDoc: "not supported in Gemini Enterprise Agent
 * Platform").
 *
 * gemloop sends them all the same: a gateway, a proxy or a newer API may take them, and a client
 * that refused them would need a release to catch up. It logs a warning instead, once per client
 * and field, so a 400 that follows is easy to explain.
 */
const VERTEX_ONLY_TOOLS = ['retrieval', 'enterpriseWebSearch', 'exaAiSearch', 'parallelAiSearch'];

/** Where a client sends its requests, as far as these warnings care. @internal */
export type EndpointKind = {
  /** `vertex` for a Vertex AI client, else `gemini-api`. */
  platform: 'gemini-api' | 'vertex';
  /** The client's base URL: warnings off Vertex are given only for Google's own endpoint. */
  baseUrl: string;
};

/**
 * The fields of `request` that Google documents `endpoint` refusing, each with the message to log:
 * on Vertex, `store`; on Google's Gemini API endpoint (not a gateway's), `modelArmorConfig` and the
 * Vertex-only tools. Reads only top-level fields and each tool's keys, never their values (an
 * `exaAiSearch.apiKey` is never looked at, so it cannot reach a log).
 * @internal
 */
export function endpointFieldWarnings(
  request: GenerateContentRequest,
  endpoint: EndpointKind,
): { field: string; message: string }[] {
  const warnings: { field: string; message: string }[] = [];
  if (endpoint.platform === 'vertex') {
    if (request.store !== undefined) {
      warnings.push({
        field: 'store',
        message:
          'request.store is a Gemini API field that Vertex AI does not support (@google/genai 3.1.0 refuses it there); it is sent as given, and Vertex may answer 400. Remove it on Vertex.',
      });
    }
    return warnings;
  }
  if (endpoint.baseUrl !== DEFAULT_BASE_URL) return warnings;
  if (request.modelArmorConfig !== undefined) {
    warnings.push({
      field: 'modelArmorConfig',
      message:
        'request.modelArmorConfig is a Vertex AI field that the Gemini API does not support (@google/genai 3.1.0 refuses it there); it is sent as given, and the API may answer 400. Use a Vertex client for Model Armor.',
    });
  }
  const tools = request.tools;
  if (!Array.isArray(tools)) return warnings;
  for (const tool of tools) {
    if (typeof tool !== 'object' || tool === null) continue;
    for (const key of VERTEX_ONLY_TOOLS) {
      if ((tool as Record<string, unknown>)[key] === undefined) continue;
      warnings.push({
        field: `tools.${key}`,
        message: `The ${key} tool is a Vertex AI tool that the Gemini API does not support (@google/genai 3.1.0 refuses it there); it is sent as given, and the API may answer 400. Use a Vertex client for it.`,
      });
    }
  }
  return warnings;
}

/**
 * A warner for one client: logs each of {@link endpointFieldWarnings} once for the client's life
 * (an agent sends the same fields on every step; one line says it). None for a gateway's endpoint
 * off Vertex, which has nothing to warn of: its calls skip two calls and an array a step.
 * @internal
 */
export function createEndpointFieldWarner(
  endpoint: EndpointKind,
  logger: Logger,
): ((request: GenerateContentRequest) => void) | undefined {
  if (endpoint.platform === 'gemini-api' && endpoint.baseUrl !== DEFAULT_BASE_URL) return undefined;
  const warned = new Set<string>();
  return (request) => {
    for (const { field, message } of endpointFieldWarnings(request, endpoint)) {
      if (warned.has(field)) continue;
      warned.add(field);
      logger.warn({ field, platform: endpoint.platform }, message);
    }
  };
}
