import {
  type DeclaredOptions,
  defineOptions,
  integerOption,
  type OptionCheck,
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
    perTool: (value, path) => {
      objectOption((at) => `${at} must be an object of limits by tool name.`)(value, path);
      for (const [name, limit] of Object.entries(value as object)) {
        limitDeclaration.check(limit, `${path}.${name}`);
      }
    },
    artifacts: artifactStoreCheck,
  },
});

/**
 * The check of the agent's `toolOutput` option. Kept apart from compaction-options.ts: the
 * budget is applied by the tool calls of every agent that sets it, while the compaction's checks
 * and defaults come with `compaction()` only. @internal
 */
export const toolOutputOptionCheck: OptionCheck = (value, path) => {
  toolOutputOptions.check(value, path);
};
