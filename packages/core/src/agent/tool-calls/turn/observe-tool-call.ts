import { toolTypeKey } from '../../../telemetry/run-observer.ts';

/** `gen_ai.tool.type`: what the tool says it is (MCP, a built-in run as a function), else `function`. @internal */
export function toolTypeOf(tool: object | undefined): string {
  const type = (tool as { [toolTypeKey]?: unknown } | undefined)?.[toolTypeKey];
  return typeof type === 'string' ? type : 'function';
}
