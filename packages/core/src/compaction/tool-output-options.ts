import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  objectOption,
} from '../options/define-options.ts';
import type { ToolOutputLimit } from '../tools/responses/cut-function-response.ts';
import { type ArtifactStore, artifactStoreCheck } from './artifact-store.ts';

/** The agent's `toolOutput` option: what one tool result may put in the context. */
export type ToolOutputOptions = ToolOutputLimit & {
  /** Per-tool limits by tool name, overriding the agent's. */
  perTool?: Readonly<Record<string, ToolOutputLimit>> | undefined;
  /** Keeps the full result of a truncated call (read back with `read_tool_output`). */
  artifacts?: ArtifactStore | undefined;
};

const positiveTokens = integerOption({ min: 1 });

const limitDeclaration = defineOptions<ToolOutputLimit>({
  name: 'toolOutput limit',
  example: '{ maxTokens: 4000 }',
  checks: { maxTokens: positiveTokens, maxBytes: positiveTokens },
});

const toolOutputOptions: DeclaredOptions<ToolOutputOptions> = defineOptions<ToolOutputOptions>({
  name: 'toolOutput',
  example: '{ maxTokens: 4000, perTool: { fetch_page: { maxBytes: 20_000 } } }',
  checks: {
    maxTokens: positiveTokens,
    maxBytes: positiveTokens,
    perTool: Object.assign(perToolCheck(false), { copy: perToolCheck(true) }),
    artifacts: artifactStoreCheck,
  },
});

/**
 * The check of `perTool`, an object of limits by tool name; with `copy`, it returns a copy with
 * each tool's limit copied too (what `checkOptionsCopy` puts in the options' copy). Entries made
 * with `Object.fromEntries`, so a tool named `__proto__` stays a key, never the prototype.
 */
function perToolCheck(copy: boolean): (value: unknown, path: string) => unknown {
  return (value, path) => {
    objectOption((at) => `${at} must be an object of limits by tool name.`)(value, path);
    const check = copy ? limitDeclaration.checkCopy : limitDeclaration.check;
    return Object.fromEntries(
      Object.entries(value as object).map(([name, limit]) => [
        name,
        check(limit, `${path}.${name}`),
      ]),
    );
  };
}

/**
 * The agent's `toolOutput` option checked, as a copy with each option and each tool's limit read
 * once (attack20: a getter gave the check maxTokens 100 and the plugin Infinity, so tool results
 * went uncapped into the context). Kept apart from compaction-options.ts: the budget is applied
 * by the tool calls of every agent that sets it, while the compaction's checks and defaults come
 * with `compaction()` only. @internal
 */
export function checkToolOutputOptions(value: unknown): ToolOutputOptions {
  return checkOptionsCopy(toolOutputOptions, value, 'toolOutput');
}
