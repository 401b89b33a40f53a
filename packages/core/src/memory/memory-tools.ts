import { defineTool } from '../tools/define/define-tool.ts';
import { jsonSchema } from '../tools/schema/json-schema.ts';
import type { FunctionTool } from '../tools/tool.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';

/** The names of the tools {@link memoryTools} makes, which `memoryPlugin` answers. */
export const MEMORY_TOOL_NAMES = {
  remember: 'remember',
  recall: 'recall',
  forget: 'forget',
} as const;

/** The arguments of the `remember` tool. */
export type RememberArgs = { text: string; kind?: 'fact' | 'episode' | undefined };
/** The arguments of the `recall` tool. */
export type RecallArgs = { query: string };
/** The arguments of the `forget` tool. */
export type ForgetArgs = { id: string };

/**
 * Fails the call when no `memoryPlugin` of the run answered it: the tools hold no user, so
 * without the run's plugin there is no scope to act in, and acting in none is how memory would
 * cross users.
 */
function noScope(operation: MemoryOperation): () => never {
  return () => {
    throw new MemoryError({
      operation,
      message:
        "The memory tools act for the run's user: pass memoryPlugin({ memory, scope: userId }) in the run's (or the chat session's) `plugins`.",
    });
  };
}

/**
 * The `remember`, `recall` and `forget` tools, for `createAgent({ tools })`. They carry no user:
 * the run's `memoryPlugin` answers their calls in the scope it was given for that run, so one
 * agent serves every user and a call can never reach another user's memories. (The plugin seam
 * adds no tools to an agent: its declarations are fixed when the agent is made, and a run's
 * plugins come later, per user.) Without a `memoryPlugin` in the run, a call fails with a
 * `MemoryError` the model sees. A `remember` is kept under an id of its turn and its words, so
 * the call run again (a durable re-run, a turn run again) keeps one memory; the same words in
 * another turn of a chat are another (docs/long-term-memory.md).
 *
 * @example
 * ```ts
 * const agent = createAgent({ gemini, model, tools: [...memoryTools()] });
 * await agent.run(input, { plugins: [memoryPlugin({ memory, scope: user.id })] });
 * ```
 */
export function memoryTools(): [
  FunctionTool<RememberArgs, never>,
  FunctionTool<RecallArgs, never>,
  FunctionTool<ForgetArgs, never>,
] {
  return [
    defineTool({
      name: MEMORY_TOOL_NAMES.remember,
      description:
        'Remembers something about the user for later conversations: a lasting fact or preference they shared, or what happened (an episode). One short sentence per memory.',
      parameters: jsonSchema<RememberArgs>({
        type: 'object',
        properties: {
          text: { type: 'string', description: 'What to remember, as one short sentence.' },
          kind: { type: 'string', enum: ['fact', 'episode'] },
        },
        required: ['text'],
      }),
      execute: noScope('add'),
    }),
    defineTool({
      name: MEMORY_TOOL_NAMES.recall,
      description:
        'Searches what is remembered about the user from earlier conversations, by meaning. Returns memories with their ids.',
      parameters: jsonSchema<RecallArgs>({
        type: 'object',
        properties: { query: { type: 'string', description: 'What to look for.' } },
        required: ['query'],
      }),
      execute: noScope('search'),
    }),
    defineTool({
      name: MEMORY_TOOL_NAMES.forget,
      description:
        'Forgets one memory of the user by its id (from recall or the memory note), when the user asks to or it is wrong.',
      parameters: jsonSchema<ForgetArgs>({
        type: 'object',
        properties: { id: { type: 'string' } },
        required: ['id'],
      }),
      execute: noScope('delete'),
    }),
  ];
}
