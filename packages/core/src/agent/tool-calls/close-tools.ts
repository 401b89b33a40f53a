import type { Redactor } from '../../shared/client-redactor.ts';
import type { FunctionTool } from '../../tools/tool.ts';
import { ToolCloseError, type ToolCloseFailure } from '../errors/tool-close-error.ts';

/**
 * Calls every distinct `close` of `tools` once, all at once, and waits for all of them. Tools that
 * share one close function (every tool of one MCP connection) share one call. A close that
 * throws or rejects does not stop the others; once all have settled, the failures are thrown
 * together, with the client's API key scrubbed from them.
 *
 * @throws {@link ToolCloseError} when any close failed.
 * @internal
 */
export async function closeTools(
  tools: Iterable<FunctionTool<unknown, unknown>>,
  { redact }: { redact: Redactor },
): Promise<void> {
  const closes = new Map<
    () => Promise<void>,
    { tool: FunctionTool<unknown, unknown>; names: string[] }
  >();
  for (const tool of tools) {
    const close = tool.close;
    if (typeof close !== 'function') continue;
    const entry = closes.get(close);
    if (entry === undefined) closes.set(close, { tool, names: [tool.name] });
    else entry.names.push(tool.name);
  }
  if (closes.size === 0) return;
  const entries = [...closes];
  const settled = await Promise.allSettled(
    // Called as a method of its first tool, as `tool.close()` would be; a synchronous throw
    // becomes a rejection of its own, not a failure of the whole close.
    entries.map(async ([close, { tool }]) => close.call(tool)),
  );
  const failures: ToolCloseFailure[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'rejected') {
      failures.push({
        toolNames: (entries[index] as (typeof entries)[number])[1].names,
        // A close that quotes the client's key must not put it in the error.
        cause: redact(outcome.reason),
      });
    }
  });
  if (failures.length > 0) throw new ToolCloseError({ failures, closes: entries.length });
}
