import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { CallOptions, Gemini } from '../../http/gemini.ts';
import type { ModelCapabilities } from '../../models/model-capabilities.ts';
import { isValidToolName } from '../../tools/define/check-tool-name.ts';
import { isBuiltinTool, isFunctionTool } from '../../tools/define/is-function-tool.ts';
import type { AnyTool, BuiltinTool, FunctionTool } from '../../tools/tool.ts';
import type { FunctionDeclaration, Tool } from '../../wire/request.ts';
import {
  createBuiltinFallbackTool,
  type FallbackBuiltinType,
  fallbackToolName,
  hasFallbackType,
} from './builtin-fallback-tool.ts';

const builtinTypes: readonly BuiltinTool['type'][] = [
  'googleSearch',
  'urlContext',
  'codeExecution',
  'googleMaps',
  'fileSearch',
  'mcpServers',
  'computerUse',
  'enterpriseWebSearch',
  'exaAiSearch',
  'parallelAiSearch',
  'retrieval',
];

// The built-ins a model's capabilities gate, with the fix the refusal names. The API answers
// these with a 400 on a Gemini model without them; a name of no known generation (a gateway's
// alias) is not gated, and any model can be vouched for with the agent's `capabilities` option.
const gates: Partial<
  Record<BuiltinTool['type'], { capability: 'computerUse' | 'fileSearch'; models: string }>
> = {
  computerUse: {
    capability: 'computerUse',
    models: 'Gemini 3 and later or gemini-2.5-computer-use-preview-10-2025',
  },
  fileSearch: { capability: 'fileSearch', models: 'Gemini 2.5 and later' },
};

/** The tools of an agent, checked and laid out for the wire. @internal */
export type PreparedTools = {
  /** Every function the model may call, by name (fallbacks of built-ins included). */
  functions: ReadonlyMap<string, FunctionTool<unknown, unknown>>;
  /** The `tools` field of every tool-bearing request, or `undefined` without tools. */
  wireTools: Tool[] | undefined;
  /** Built-ins sent beside function declarations: needs `includeServerSideToolInvocations`. */
  combined: boolean;
  /** The built-ins replaced by function tools because the model cannot combine them. */
  fallbacks: BuiltinTool['type'][];
};

/**
 * Checks the agent's `tools` and decides what goes on the wire:
 *
 * - function tools alone: one `{ functionDeclarations }` entry;
 * - built-ins alone: sent as they are, on any model;
 * - both, on a model whose capabilities say `combinesBuiltinAndFunctionTools` (Gemini 3): the
 *   built-ins, then the declarations, with `toolConfig.includeServerSideToolInvocations: true`
 *   (set by the request builder from `combined`);
 * - both, on other models (Gemini 2.x rejects the mix): each built-in becomes a function tool
 *   (`google_search(query)`, ...) backed by a separate grounded call.
 *
 * @throws {@link InvalidArgumentError} for a non-tool entry, an invalid or duplicate name, a
 *   duplicate built-in, or a fallback name clashing with a function tool.
 * @internal
 */
export function prepareTools({
  tools,
  capabilities,
  gemini,
  model,
  callOptions,
}: {
  tools: readonly AnyTool[] | undefined;
  capabilities: ModelCapabilities;
  gemini: Gemini;
  model: string;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
}): PreparedTools {
  if (tools === undefined || (Array.isArray(tools) && tools.length === 0)) {
    return { functions: new Map(), wireTools: undefined, combined: false, fallbacks: [] };
  }
  if (!Array.isArray(tools)) {
    throw new InvalidArgumentError({
      argument: 'tools',
      message:
        'tools must be an array of tools made by defineTool() or a built-in such as googleSearch().',
    });
  }
  const { functions, positions, builtins, undeclared } = sortTools(tools, capabilities, model);

  if (
    builtins.some(hasFallback) &&
    [...functions.keys()].some((name) => !undeclared.has(name)) &&
    !capabilities.combinesBuiltinAndFunctionTools
  ) {
    return withFallbacks({
      functions,
      positions,
      builtins,
      undeclared,
      gemini,
      model,
      callOptions,
    });
  }

  const wireTools: Tool[] = builtins.map((builtin) => builtin.tool);
  const declarations = declarationsOf(functions, undeclared);
  if (declarations.length > 0) wireTools.push({ functionDeclarations: declarations });
  return {
    functions,
    wireTools,
    // Server-side MCP and computer use answer with functionCall/functionResponse parts, not
    // toolCall ones: they need no includeServerSideToolInvocations (which 2.x refuses).
    combined: builtins.some(hasFallback) && declarations.length > 0,
    fallbacks: [],
  };
}

/** The agent's tools, sorted by kind (sortTools). */
type SortedTools = {
  functions: Map<string, FunctionTool<unknown, unknown>>;
  positions: Map<string, number>;
  builtins: BuiltinTool[];
  /** Functions the agent answers but the API declares itself (computer use's actions). */
  undeclared: Set<string>;
};

/** The agent's tools sorted: function tools by name, built-ins checked against the model. */
function sortTools(
  tools: readonly unknown[],
  capabilities: ModelCapabilities,
  model: string,
): SortedTools {
  const functions = new Map<string, FunctionTool<unknown, unknown>>();
  const positions = new Map<string, number>();
  const builtins: BuiltinTool[] = [];
  // Functions the agent answers but the API declares itself (computer use's actions).
  const undeclared = new Set<string>();
  tools.forEach((tool: unknown, index) => {
    const argument = `tools[${index}]`;
    if (isFunctionTool(tool) && typeof tool.declaration === 'object' && tool.declaration !== null) {
      if (!isValidToolName(tool.name)) {
        throw new InvalidArgumentError({
          argument: `${argument}.name`,
          message: `${argument} has the name ${JSON.stringify(tool.name)}, which Gemini rejects: a letter or "_" first, then letters, digits, "_", ".", ":" or "-", at most 128 characters.`,
        });
      }
      if (tool.declaration.name !== tool.name) {
        throw new InvalidArgumentError({
          argument: `${argument}.declaration.name`,
          message: `${argument} is named '${tool.name}' but declares '${tool.declaration.name}'; the model calls the declared name, so the two must match.`,
        });
      }
      const previous = positions.get(tool.name);
      if (previous !== undefined) {
        throw new InvalidArgumentError({
          argument,
          message: `${argument} and tools[${previous}] are both named '${tool.name}'. Function names must be unique: rename one.`,
        });
      }
      positions.set(tool.name, index);
      functions.set(tool.name, tool);
      return;
    }
    if (isBuiltinTool(tool) && builtinTypes.includes(tool.type)) {
      if (builtins.some((builtin) => builtin.type === tool.type)) {
        throw new InvalidArgumentError({
          argument,
          message: `${argument} is a second ${tool.type} built-in tool; list each built-in once.`,
        });
      }
      const gate = gates[tool.type];
      if (
        gate !== undefined &&
        capabilities.generation !== undefined &&
        !capabilities[gate.capability]
      ) {
        throw new InvalidArgumentError({
          argument,
          message: `${argument} is ${tool.type}, which model '${model}' does not take (${gate.models}; the API answers 400). Use such a model, or set capabilities: { ${gate.capability}: true } if this one takes it.`,
        });
      }
      builtins.push(tool);
      return;
    }
    throw new InvalidArgumentError({
      argument,
      message: `${argument} is not a tool. Make function tools with defineTool() and built-ins with googleSearch(), urlContext(), codeExecution(), googleMaps(), fileSearch(), mcpServers(), computerUse(), enterpriseWebSearch(), exaAiSearch(), parallelAiSearch() or retrieval().`,
    });
  });

  addBuiltinActions(builtins, positions, functions, undeclared);
  return { functions, positions, builtins, undeclared };
}

/** A built-in's actions the agent answers (computer use's): function tools no one declares. */
function addBuiltinActions(
  builtins: readonly BuiltinTool[],
  positions: ReadonlyMap<string, number>,
  functions: Map<string, FunctionTool<unknown, unknown>>,
  undeclared: Set<string>,
): void {
  for (const builtin of builtins) {
    for (const handler of builtin.handlers ?? []) {
      const clash = positions.get(handler.name);
      if (clash !== undefined) {
        throw new InvalidArgumentError({
          argument: `tools[${clash}]`,
          message: `tools[${clash}] is named '${handler.name}', an action of the ${builtin.type} built-in tool. Rename it, or exclude the action (excludedPredefinedFunctions) to handle it yourself.`,
        });
      }
      functions.set(handler.name, handler);
      undeclared.add(handler.name);
    }
  }
}

/**
 * Both kinds on a model that cannot combine them: each built-in with a fallback becomes a function
 * tool backed by a separate grounded call.
 */
function withFallbacks({
  functions,
  positions,
  builtins,
  undeclared,
  gemini,
  model,
  callOptions,
}: SortedTools & {
  gemini: Gemini;
  model: string;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
}): PreparedTools {
  // Server-side MCP has no function stand-in: it stays on the wire beside the declarations.
  const kept = builtins.filter((builtin) => !hasFallback(builtin));
  const replaced = builtins.filter(hasFallback);
  for (const builtin of replaced) {
    const name = fallbackToolName(builtin.type);
    const clash = positions.get(name);
    if (clash !== undefined) {
      throw new InvalidArgumentError({
        argument: `tools[${clash}]`,
        message: `Model '${model}' cannot combine built-in tools with function tools, so gemloop declares ${builtin.type} as the function '${name}', but tools[${clash}] already has that name. Rename it.`,
      });
    }
    functions.set(name, createBuiltinFallbackTool({ builtin, gemini, model, callOptions }));
  }
  return {
    functions,
    wireTools: [
      ...kept.map((builtin) => builtin.tool),
      { functionDeclarations: declarationsOf(functions, undeclared) },
    ],
    combined: false,
    fallbacks: replaced.map((builtin) => builtin.type),
  };
}

function hasFallback(builtin: BuiltinTool): builtin is BuiltinTool & { type: FallbackBuiltinType } {
  return hasFallbackType(builtin.type);
}

/**
 * The declarations the request carries. At most 512: "Maximum 512 function declarations can be
 * provided" (js-genai `Tool.functionDeclarations`, gemini-wire.md); more were sent whole before
 * (attack-core11), for the API to refuse every call of the agent.
 */
function declarationsOf(
  functions: ReadonlyMap<string, FunctionTool<unknown, unknown>>,
  undeclared: ReadonlySet<string>,
): FunctionDeclaration[] {
  const declarations: FunctionDeclaration[] = [];
  for (const tool of functions.values()) {
    if (!undeclared.has(tool.name)) declarations.push(tool.declaration);
  }
  const over = declarations[512];
  if (over) {
    throw new InvalidArgumentError({
      argument: 'tools',
      message: `tools: '${over.name}' is function 513; Gemini takes 512 a request.`,
    });
  }
  return declarations;
}
