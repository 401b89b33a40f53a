import { defineTool } from '../tools/define/define-tool.ts';
import { jsonSchema } from '../tools/schema/json-schema.ts';
import type { FunctionTool } from '../tools/tool.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** @defaultValue of the slice `read_tool_output` returns when the model gives no `length`. */
export const DEFAULT_READ_TOOL_OUTPUT_CHARS = 8_000;
/** The longest slice `read_tool_output` returns, whatever `length` the model asks for. */
export const MAX_READ_TOOL_OUTPUT_CHARS = 32_000;

type ReadArgs = { id: string; offset?: number; length?: number };

// The tools readToolOutputTool made: a `toolOutput` budget never cuts their slices again (a slice
// is bounded by MAX_READ_TOOL_OUTPUT_CHARS already; cutting it would make the rest unreadable).
// A brand on tool objects readToolOutputTool made (a tool's identity, not run data).
// why (kept): a brand on tool objects this module made; see above.
const readTools = new WeakSet<object>();

/**
 * Whether `tool` is one {@link readToolOutputTool} made, or a wrapper whose prototype is one (a
 * durable run's tools). @internal
 */
export function isReadToolOutputTool(tool: object): boolean {
  return readTools.has(tool) || readTools.has(Object.getPrototypeOf(tool) as object);
}

/**
 * The built-in tool the model calls to read back, a slice at a time, a tool result that a budget
 * truncated or a compaction cleared (their markers name the id). Give it the same store as the
 * agent's `toolOutput({ artifacts })` / `compaction({ artifacts })`, in `tools`.
 *
 * @example
 * const artifacts = createMemoryArtifactStore();
 * createAgent({ ..., tools: [search, readToolOutputTool(artifacts)], toolOutput: toolOutput({ maxTokens: 2000, artifacts }) });
 */
export function readToolOutputTool(store: ArtifactStore): FunctionTool<ReadArgs, unknown> {
  const tool = defineTool({
    name: 'read_tool_output',
    description:
      'Reads a slice of a tool result that was truncated or cleared from the conversation. Give the id its marker names, and an offset (characters) to continue where the kept part ended.',
    parameters: jsonSchema<ReadArgs>({
      type: 'object',
      properties: {
        id: { type: 'string', description: 'The id named in the marker.' },
        offset: {
          type: 'integer',
          minimum: 0,
          description: 'First character to read (default 0).',
        },
        length: {
          type: 'integer',
          minimum: 1,
          description: `How many characters (default ${DEFAULT_READ_TOOL_OUTPUT_CHARS}, at most ${MAX_READ_TOOL_OUTPUT_CHARS}).`,
        },
      },
      required: ['id'],
    }),
    execute: async ({ id, offset = 0, length = DEFAULT_READ_TOOL_OUTPUT_CHARS }) => {
      // A store may answer from a database (the Postgres store of @gemloop/dbos).
      const text = await store.get(id);
      if (text === undefined) {
        return { error: `No stored output with id "${id}" (it was never kept, or was evicted).` };
      }
      let start = Math.max(0, Math.floor(offset));
      // Offsets count UTF-16 units: a slice must not start or end between the two halves of a
      // character (an emoji). Half of one is a lone surrogate the API refuses ("no low
      // surrogate"), and the next slice would start with the other half.
      if (start < text.length && isLowSurrogateAfterHigh(text, start)) start--;
      let end = Math.min(
        text.length,
        start + Math.min(MAX_READ_TOOL_OUTPUT_CHARS, Math.max(1, Math.floor(length))),
      );
      if (end < text.length && isLowSurrogateAfterHigh(text, end)) {
        // Back to before the character, unless that leaves nothing: then past it.
        end += end - 1 > start ? -1 : 1;
      }
      return {
        text: text.slice(start, end),
        offset: start,
        end,
        totalLength: text.length,
        done: end >= text.length,
      };
    },
  });
  readTools.add(tool);
  return tool;
}

/** Whether `text[index]` is the second half of a surrogate pair whose first half is before it. */
function isLowSurrogateAfterHigh(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  const before = text.charCodeAt(index - 1);
  return code >= 0xdc00 && code < 0xe000 && before >= 0xd800 && before < 0xdc00;
}
