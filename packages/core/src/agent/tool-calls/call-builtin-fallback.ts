import type { CallOptions, Gemini } from '../../http/gemini.ts';
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
    )
    // A File Search chunk names its store instead of a URI: kept, or the source says nothing.
    .map((source) =>
      'fileSearchStore' in source && source.uri === undefined
        ? { title: source.title, fileSearchStore: source.fileSearchStore }
        : { title: source.title, uri: source.uri },
    );
  if (sources.length > 0) output['sources'] = sources;
  const queries = listOf(grounding?.webSearchQueries).filter(
    (query) => typeof query === 'string' && query !== '',
  );
  if (queries.length > 0) output['searchQueries'] = queries;
  if (code.length > 0) output['code'] = code;
  if (codeOutputs.length > 0) output['codeOutputs'] = codeOutputs;
  if (answer === '' && candidate?.finishReason !== undefined && candidate.finishReason !== 'STOP') {
    output['error'] = `The grounded call ended with ${candidate.finishReason} and no answer.`;
  }
  return new DelegatedResult(output, grounding, toAgentUsage(response.usageMetadata));
}

/** `value` when it is an array, else an empty one. */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
