import type { AnyTool, BuiltinTool, FunctionTool } from '../tool.ts';

/** Whether a tool in a `tools` list is a function tool (run by gemloop), not a built-in one. */
// biome-ignore lint/suspicious/noExplicitAny: a tool of any argument type.
export function isFunctionTool(tool: unknown): tool is FunctionTool<any, any> {
  if (typeof tool !== 'object' || tool === null) return false;
  const candidate = tool as Partial<FunctionTool>;
  return (
    candidate.kind === 'function' &&
    typeof candidate.name === 'string' &&
    typeof candidate.execute === 'function' &&
    typeof candidate.parseArgs === 'function'
  );
}

/** Whether a tool in a `tools` list is a Gemini built-in tool (Google Search, URL context, ...). */
export function isBuiltinTool(tool: unknown): tool is BuiltinTool {
  if (typeof tool !== 'object' || tool === null) return false;
  const candidate = tool as Partial<BuiltinTool>;
  return (
    candidate.kind === 'builtin' &&
    typeof candidate.type === 'string' &&
    typeof candidate.tool === 'object' &&
    candidate.tool !== null
  );
}

/** Whether `tool` can sit in an agent's `tools` list. */
export function isTool(tool: unknown): tool is AnyTool {
  return isFunctionTool(tool) || isBuiltinTool(tool);
}
