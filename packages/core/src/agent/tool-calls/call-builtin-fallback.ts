import type { CallOptions, Gemini } from '../../http/gemini.ts';
import { cutText } from '../../shared/cut-text.ts';
import type { BuiltinTool } from '../../tools/tool.ts';
import type { Part } from '../../wire/content.ts';
import type { GenerateContentResponse, GroundingChunk } from '../../wire/response.ts';
import { toAgentUsage } from '../usage.ts';
import { DelegatedResult } from './delegated-result.ts';

/**
 * The built-ins that have a function fallback (`mcpServers` and `computerUse` are always sent as
 * they are: their calls come back as function calls, not server-side tool parts). Declared here,
 * with the prompts keyed by it: builtin-fallback-tool.ts imports this module, not the reverse.
 * @internal
 */
export type FallbackBuiltinType = Exclude<BuiltinTool['type'], 'mcpServers' | 'computerUse'>;

/**
 * What a built-in's fallback function is made with, and each of its calls runs with: the built-in,
 * and the agent's client, model and call options (declared once, for `createBuiltinFallbackTool`
 * and `callBuiltinFallback`).
 * @internal
 */
export type BuiltinFallbackOptions = {
  builtin: BuiltinTool & { type: FallbackBuiltinType };
  gemini: Gemini;
  model: string;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
};

const searchPrompt = (args: Record<string, unknown>): string =>
  `Search the web and answer with the key facts: ${String(args['query'])}`;
const asked = (args: Record<string, unknown>): string => String(args['query']);

// What the grounded call asks, made from the fallback function's (checked) arguments.
const prompts: Record<FallbackBuiltinType, (args: Record<string, unknown>) => string> = {
  googleSearch: searchPrompt,
  urlContext: (args) =>
    `${String(args['question'])}\n\nRead these pages:\n${(args['urls'] as string[]).join('\n')}`,
  googleMaps: asked,
  codeExecution: (args) =>
    `Write and run Python code to do this, then state the result: ${String(args['task'])}`,
  enterpriseWebSearch: searchPrompt,
  exaAiSearch: searchPrompt,
  parallelAiSearch: searchPrompt,
  retrieval: asked,
  fileSearch: asked,
};

/**
 * One call of a built-in's fallback function (`createBuiltinFallbackTool`): a separate grounded
 * request with the same client and model and only that built-in (`tools: [{ googleSearch: {} }]`,
 * no declarations), whose answer text and sources become the function output. In a module of its
 * own, loaded with the first such call: a default agent app never makes one.
 * @internal
 */
export async function callBuiltinFallback({
  builtin,
  gemini,
  model,
  callOptions,
  args,
  signal,
}: BuiltinFallbackOptions & {
  args: Record<string, unknown>;
  signal: AbortSignal;
}): Promise<DelegatedResult> {
  const response = await gemini.generateContent(
    {
      model,
      contents: [{ role: 'user', parts: [{ text: prompts[builtin.type](args) }] }],
      tools: [builtin.tool],
    },
    { ...callOptions, signal },
  );
  return toDelegatedResult(response);
}

function toDelegatedResult(response: GenerateContentResponse): DelegatedResult {
  const candidate = response.candidates?.[0];
  const parts: Part[] = candidate?.content?.parts ?? [];
  let answer = '';
  const code: string[] = [];
  const codeOutputs: string[] = [];
  for (const part of parts) {
    if (typeof part.text === 'string' && part.thought !== true) answer += part.text;
    if (part.executableCode !== undefined) code.push(part.executableCode.code);
    if (part.codeExecutionResult?.output !== undefined) {
      codeOutputs.push(part.codeExecutionResult.output);
    }
  }
  const grounding = candidate?.groundingMetadata;
  const output: Record<string, unknown> = { answer };
  // groundingMetadata is the gateway's bytes, checked here as it is read (attack32): a
  // `groundingChunks` that was no list, or a chunk that was null or a string, threw a TypeError
  // that replaced the grounded answer with `google_search failed: TypeError ...`.
  const sources = listOf(grounding?.groundingChunks)
    // A chunk that is null or no object has no source (destructuring a string or number reads undefined).
    .map((chunk) => {
      const { web, maps, retrievedContext } = (chunk ?? {}) as GroundingChunk;
      return web ?? maps ?? retrievedContext;
    })
    .filter(
      (source): source is NonNullable<typeof source> =>
        typeof source === 'object' && source !== null && !Array.isArray(source),
    );
  // Bounded as the other readers of grounding are (the viewer, the examples' trace): the list and
  // each string come from the gateway, within maxResponseBytes only, and go back to the model,
  // where the tool output's cap would cut the JSON mid-string instead.
  const kept = sources.slice(0, MAX_SOURCES).map(
    // A File Search chunk names its store instead of a URI: kept, or the source says nothing.
    (source) =>
      'fileSearchStore' in source && source.uri === undefined
        ? { title: cut(source.title), fileSearchStore: cut(source.fileSearchStore) }
        : { title: cut(source.title), uri: linkOf(source.uri) },
  );
  if (kept.length > 0) output['sources'] = kept;
  if (sources.length > kept.length) output['sourcesOmitted'] = sources.length - kept.length;
  const queries = listOf(grounding?.webSearchQueries)
    .filter((query) => typeof query === 'string' && query !== '')
    .slice(0, MAX_SOURCES)
    .map(cut);
  if (queries.length > 0) output['searchQueries'] = queries;
  if (code.length > 0) output['code'] = code;
  if (codeOutputs.length > 0) output['codeOutputs'] = codeOutputs;
  if (answer === '' && candidate?.finishReason !== undefined && candidate.finishReason !== 'STOP') {
    output['error'] = `The grounded call ended with ${candidate.finishReason} and no answer.`;
  }
  return new DelegatedResult(output, grounding, toAgentUsage(response.usageMetadata));
}

/** How many sources and search queries of a grounded answer go back to the model. */
const MAX_SOURCES = 20;
/** The longest title, store name or query that goes back whole, in characters. */
const MAX_TEXT = 300;
/** The longest URI that goes back (a cut one would be a wrong link): the viewer's bound. */
const MAX_URI = 2048;

/** A title, store name or query as it goes back: a string, cut to {@link MAX_TEXT} with `…`. */
function cut(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > MAX_TEXT ? `${cutText(value, MAX_TEXT - 1)}…` : value;
}

/** A source's URI as it goes back: a string of at most {@link MAX_URI} characters, else none. */
function linkOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_URI ? value : undefined;
}

/** `value` when it is an array, else an empty one. */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
