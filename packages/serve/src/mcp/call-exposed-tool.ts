import { UnsafePatternError } from '@gemloop/core/errors';
import { cutTextNoted } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { preloadToolSchemas } from '@gemloop/core/tools';
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { nestsDeeperThan } from '../door/nests-deeper-than.ts';
import type { CallExtra } from './ask-agent.ts';
import type { ExposedTool } from './mcp-server-options.ts';

/** The longest key of a path told back: core's bound for the paths it tells the model. */
const MAX_PATH_KEY = 64;

/** How deep an exposed tool's arguments may nest: a tool's schema is never near it. */
const MAX_ARGUMENT_DEPTH = 64;

/** What {@link callExposedTool} needs of its door. @internal */
export type ExposedToolContext = {
  /** Each exposed tool's schema preparation by tool name, from {@link preloadExposedTools}. */
  ready: ReadonlyMap<string, Promise<void>>;
  onError: (error: unknown) => void;
  /** The longest text a tool's result is answered with (the rest cut, noted). */
  maxToolResultChars: number;
};

/**
 * What each exposed tool's schema needs before its parseArgs works (the pattern analysis, and
 * off Node a validator), started now and awaited by each call: no agent run awaits it here. A
 * rejection is reported by the calls that await it.
 * @internal
 */
export function preloadExposedTools(tools: readonly ExposedTool[]): Map<string, Promise<void>> {
  return new Map(
    tools.map((tool) => {
      const loading = preloadToolSchemas([tool]);
      loading.catch(() => {});
      return [tool.name, loading];
    }),
  );
}

/**
 * One call of an exposed tool: its arguments bounded in depth and parsed by the tool's schema,
 * then the tool run with the SDK's abort signal. A failed run answers `isError` with fixed words;
 * the error goes to `onError`.
 * @throws {@link McpError} `InvalidParams` for arguments the tool does not take.
 * @internal
 */
export async function callExposedTool(
  tool: ExposedTool,
  args: Record<string, unknown> | undefined,
  extra: CallExtra,
  { ready, onError, maxToolResultChars }: ExposedToolContext,
): Promise<CallToolResult> {
  if (nestsDeeperThan(args, MAX_ARGUMENT_DEPTH)) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Invalid arguments for ${tool.name}: they nest deeper than ${MAX_ARGUMENT_DEPTH} levels.`,
    );
  }
  try {
    await ready.get(tool.name);
  } catch (error) {
    // An UnsafePatternError (or a validator that would not load): the caller gets fixed words,
    // the operator the error, which names the pattern and a rewrite.
    onError(error);
    const text = UnsafePatternError.isInstance(error)
      ? `${tool.name} is not served: its schema has a pattern that can backtrack super-linearly (the server was told which).`
      : `${tool.name} failed.`;
    return { isError: true, content: [{ type: 'text', text }] };
  }
  const parsed = tool.parseArgs(args ?? {});
  if (!parsed.success) {
    // The paths only: a value the caller sent is not echoed back (it may be a secret argument).
    // The first ten, each key cut: a record's key is the caller's own text, of any length (a
    // 200,000-character key came back whole), as core cuts the paths it tells the model.
    const paths = parsed.issues
      .slice(0, 10)
      .map(
        (issue) =>
          issue.path
            .map((key) => (typeof key === 'string' ? cutTextNoted(key, MAX_PATH_KEY) : key))
            .join('.') || '(arguments)',
      );
    throw new McpError(
      ErrorCode.InvalidParams,
      `Invalid arguments for ${tool.name} at: ${paths.join(', ')}.`,
    );
  }
  try {
    const result = await tool.execute(parsed.value, {
      signal: extra.signal,
      toolCallId: `mcp-${String(extra.requestId)}`,
      step: 0,
      logger: silentLogger,
      contents: [],
    });
    const text = cutTextNoted(toText(result), maxToolResultChars);
    return { content: [{ type: 'text', text }] };
  } catch (error) {
    if (!extra.signal.aborted) onError(error);
    return { isError: true, content: [{ type: 'text', text: `${tool.name} failed.` }] };
  }
}

function toText(result: unknown): string {
  if (typeof result === 'string') return result;
  return JSON.stringify(result ?? null);
}
