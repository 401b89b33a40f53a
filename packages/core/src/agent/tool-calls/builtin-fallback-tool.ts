import type { CallOptions, Gemini } from '../../http/gemini.ts';
import type { Cost } from '../../models/cost.ts';
import type { CostPicos } from '../../models/usd.ts';
import type { AgentUsage } from '../../run/agent-result.ts';
import type { BuiltinTool, FunctionTool, ToolArgumentsResult } from '../../tools/tool.ts';
import type { Part } from '../../wire/content.ts';
import type { FunctionDeclaration } from '../../wire/request.ts';
import type {
  GenerateContentResponse,
  GroundingChunk,
  GroundingMetadata,
} from '../../wire/response.ts';
import { toAgentUsage } from '../usage.ts';

/**
 * What a fallback tool's `execute` returns: the function output plus what the loop records on
 * the call (grounding, usage of the extra model call).
 * @internal
 */
export class DelegatedResult {
  readonly output: Record<string, unknown>;
  readonly grounding: GroundingMetadata | undefined;
  readonly usage: AgentUsage;
  /**
   * What `usage` cost when the tool priced it itself (a subagent's run, at its own model's
   * prices); `undefined` to price it at the calling agent's model (the search fallback).
   */
  readonly cost: Cost | undefined;
  /**
   * `cost` as the tool's meter summed it (pico-dollars when known), when it had one: the calling
   * run adds this to its totals instead of parsing `cost`'s dollars back.
   */
  readonly priced: CostPicos | Cost | undefined;

  constructor(
    output: Record<string, unknown>,
    grounding: GroundingMetadata | undefined,
    usage: AgentUsage,
    cost?: Cost,
    priced?: CostPicos | Cost,
  ) {
    this.output = output;
    this.grounding = grounding;
    this.usage = usage;
    this.cost = cost;
    this.priced = priced;
  }
}

type FallbackSpec = {
  name: string;
  description: string;
  properties: Record<string, unknown>;
  required: string[];
  prompt(args: Record<string, unknown>): string;
};

/**
 * The built-ins that have a function fallback (`mcpServers` and `computerUse` are always sent as
 * they are: their calls come back as function calls, not server-side tool parts).
 */
export type FallbackBuiltinType = Exclude<BuiltinTool['type'], 'mcpServers' | 'computerUse'>;

/** Whether a built-in of this type has a function fallback. @internal */
export function hasFallbackType(type: BuiltinTool['type']): type is FallbackBuiltinType {
  return type !== 'mcpServers' && type !== 'computerUse';
}

const searchQuery = {
  query: { type: 'string', description: 'What to search for, as a question or keywords.' },
};

const specs: Record<FallbackBuiltinType, FallbackSpec> = {
  googleSearch: {
    name: 'google_search',
    description:
      'Searches the web with Google and returns a grounded answer with its sources. Use it for current events and facts you are not sure of.',
    properties: {
      query: { type: 'string', description: 'What to search for, as a question or keywords.' },
    },
    required: ['query'],
    prompt: (args) => `Search the web and answer with the key facts: ${String(args['query'])}`,
  },
  urlContext: {
    name: 'url_context',
    description: 'Reads web pages and answers a question about them.',
    properties: {
      urls: { type: 'array', items: { type: 'string' }, description: 'The page URLs to read.' },
      question: { type: 'string', description: 'What to find out from the pages.' },
    },
    required: ['urls', 'question'],
    prompt: (args) =>
      `${String(args['question'])}\n\nRead these pages:\n${(args['urls'] as string[]).join('\n')}`,
  },
  googleMaps: {
    name: 'google_maps',
    description: 'Looks up places with Google Maps and returns a grounded answer with its sources.',
    properties: {
      query: { type: 'string', description: 'The place question, e.g. "cafés near the Louvre".' },
    },
    required: ['query'],
    prompt: (args) => String(args['query']),
  },
  codeExecution: {
    name: 'code_execution',
    description:
      'Writes and runs Python code for a task (calculations, data processing) and returns the result.',
    properties: { task: { type: 'string', description: 'What the code should compute.' } },
    required: ['task'],
    prompt: (args) =>
      `Write and run Python code to do this, then state the result: ${String(args['task'])}`,
  },
  enterpriseWebSearch: {
    name: 'enterprise_web_search',
    description:
      'Searches the web (enterprise web search) and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
    prompt: (args) => `Search the web and answer with the key facts: ${String(args['query'])}`,
  },
  exaAiSearch: {
    name: 'exa_ai_search',
    description: 'Searches the web with Exa.ai and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
    prompt: (args) => `Search the web and answer with the key facts: ${String(args['query'])}`,
  },
  parallelAiSearch: {
    name: 'parallel_ai_search',
    description:
      'Searches the web with Parallel.ai and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
    prompt: (args) => `Search the web and answer with the key facts: ${String(args['query'])}`,
  },
  retrieval: {
    name: 'retrieval',
    description:
      'Searches the configured data store and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
    prompt: (args) => String(args['query']),
  },
  fileSearch: {
    name: 'file_search',
    description: 'Searches the document stores and returns a grounded answer with its sources.',
    properties: { query: { type: 'string', description: 'What to look for in the documents.' } },
    required: ['query'],
    prompt: (args) => String(args['query']),
  },
};

/** The function name the fallback of a built-in tool is declared under. @internal */
export function fallbackToolName(type: BuiltinTool['type']): string {
  // `mcpServers` and `computerUse` have no fallback; their type is never declared as a function.
  return hasFallbackType(type) ? specs[type].name : type;
}

/**
 * A function tool that stands in for a built-in tool on models that cannot combine built-ins with
 * function declarations (Gemini 2.x answers 400 "Tool use with function calling is unsupported",
 * wire reference section 7). Each call makes a separate grounded request with the same client and
 * model and only that built-in (`tools: [{ googleSearch: {} }]`, no declarations), and returns the
 * answer text and its sources as the function output, so the agent gets both search and functions.
 * @internal
 */
export function createBuiltinFallbackTool({
  builtin,
  gemini,
  model,
  callOptions,
}: {
  builtin: BuiltinTool & { type: FallbackBuiltinType };
  gemini: Gemini;
  model: string;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
}): FunctionTool<Record<string, unknown>, DelegatedResult> {
  const spec = specs[builtin.type];
  const declaration: FunctionDeclaration = {
    name: spec.name,
    description: spec.description,
    parametersJsonSchema: {
      type: 'object',
      properties: spec.properties,
      required: spec.required,
    },
  };
  const tool: FunctionTool<Record<string, unknown>, DelegatedResult> = {
    kind: 'function',
    // A Gemini built-in, run through a model call: `gen_ai.tool.type` says so.
    toolType: 'built-in',
    name: spec.name,
    description: spec.description,
    declaration,
    parseArgs: (args) => parseArgs(spec, args),
    async execute(args, context) {
      const response = await gemini.generateContent(
        {
          model,
          contents: [{ role: 'user', parts: [{ text: spec.prompt(args) }] }],
          tools: [builtin.tool],
        },
        { ...callOptions, signal: context.signal },
      );
      return toDelegatedResult(response);
    },
  };
  return tool;
}

function parseArgs(
  spec: FallbackSpec,
  args: unknown,
): ToolArgumentsResult<Record<string, unknown>> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { success: false, issues: [{ path: [], message: 'Expected an object of arguments' }] };
  }
  const record = args as Record<string, unknown>;
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const key of spec.required) {
    const schema = spec.properties[key] as { type: string };
    const value = record[key];
    if (schema.type === 'string' && (typeof value !== 'string' || value.trim() === '')) {
      issues.push({ path: [key], message: 'Expected a non-empty string' });
    }
    if (
      schema.type === 'array' &&
      (!Array.isArray(value) ||
        value.length === 0 ||
        value.some((item) => typeof item !== 'string'))
    ) {
      issues.push({ path: [key], message: 'Expected a non-empty array of strings' });
    }
  }
  return issues.length > 0 ? { success: false, issues } : { success: true, value: record };
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
