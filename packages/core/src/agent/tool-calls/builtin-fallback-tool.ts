import type { BuiltinTool, FunctionTool, ToolArgumentsResult } from '../../tools/tool.ts';
import type { FunctionDeclaration } from '../../wire/request.ts';
import type { BuiltinFallbackOptions, FallbackBuiltinType } from './call-builtin-fallback.ts';
import type { DelegatedResult } from './delegated-result.ts';

export type { FallbackBuiltinType } from './call-builtin-fallback.ts';

type FallbackSpec = {
  name: string;
  description: string;
  properties: Record<string, unknown>;
  required: string[];
};

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
  },
  urlContext: {
    name: 'url_context',
    description: 'Reads web pages and answers a question about them.',
    properties: {
      urls: { type: 'array', items: { type: 'string' }, description: 'The page URLs to read.' },
      question: { type: 'string', description: 'What to find out from the pages.' },
    },
    required: ['urls', 'question'],
  },
  googleMaps: {
    name: 'google_maps',
    description: 'Looks up places with Google Maps and returns a grounded answer with its sources.',
    properties: {
      query: { type: 'string', description: 'The place question, e.g. "cafés near the Louvre".' },
    },
    required: ['query'],
  },
  codeExecution: {
    name: 'code_execution',
    description:
      'Writes and runs Python code for a task (calculations, data processing) and returns the result.',
    properties: { task: { type: 'string', description: 'What the code should compute.' } },
    required: ['task'],
  },
  enterpriseWebSearch: {
    name: 'enterprise_web_search',
    description:
      'Searches the web (enterprise web search) and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
  },
  exaAiSearch: {
    name: 'exa_ai_search',
    description: 'Searches the web with Exa.ai and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
  },
  parallelAiSearch: {
    name: 'parallel_ai_search',
    description:
      'Searches the web with Parallel.ai and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
  },
  retrieval: {
    name: 'retrieval',
    description:
      'Searches the configured data store and returns a grounded answer with its sources.',
    properties: searchQuery,
    required: ['query'],
  },
  fileSearch: {
    name: 'file_search',
    description: 'Searches the document stores and returns a grounded answer with its sources.',
    properties: { query: { type: 'string', description: 'What to look for in the documents.' } },
    required: ['query'],
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
export function createBuiltinFallbackTool(
  options: BuiltinFallbackOptions,
): FunctionTool<Record<string, unknown>, DelegatedResult> {
  const spec = specs[options.builtin.type];
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
    // The grounded call and the reading of its answer load with the first call (`import()`):
    // only an agent on a model that cannot combine built-ins with functions makes one, and a
    // default app's bundle leaves them out (bench/RESULTS.md, "bytes4").
    async execute(args, context) {
      const { callBuiltinFallback } = await import('./call-builtin-fallback.ts');
      return callBuiltinFallback({ ...options, args, signal: context.signal });
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
