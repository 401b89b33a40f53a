import type { AgentPlugin, PluginRun, ToolCallDecision } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import { cutErrorText, errorClassName } from '../agent/tool-calls/safe-tool-error-message.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Gemini } from '../http/gemini.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';
import type { Content } from '../wire/content.ts';
import {
  checkScope,
  checkSearchBounds,
  MAX_MEMORY_ID,
  MAX_MEMORY_TEXT,
  toMemoryQuery,
} from './check-memory-input.ts';
import { DEFAULT_MIN_SCORE, DEFAULT_RECALL_LIMIT, type Memory } from './create-memory.ts';
import { extractMemories } from './extract-memories.ts';
import { memoryIdOf } from './memory-id.ts';
import type { ScoredMemory } from './memory-record.ts';
import { MEMORY_TOOL_NAMES } from './memory-tools.ts';
import { RECALLED_DATA_NOTICE, toRecalledNote } from './recalled-note.ts';

/** Options of {@link memoryPlugin}. */
export type MemoryPluginOptions = {
  /** The memory, made by `createMemory`. */
  memory: Memory;
  /**
   * Whose memories the run reads and writes: the user's id, given per run (or per chat session),
   * or a function of the run that finds it. Not the run's `conversationId` alone: it names a
   * conversation only within its chat store (two tenants' stores may both hold a session `main`).
   * Nothing outside this scope is read.
   */
  scope: string | ((run: PluginRun<undefined>) => string);
  /**
   * Recall before the run's first model call: the memories closest to the user's message (its
   * first 4,000 characters, what a query holds) are sent as a note before the history, on every
   * model call of the run, and never saved into the history. The note marks them as data: JSON
   * lines in a `<recalled_memories>` block no stored text can close, after a sentence saying they
   * are reference material, not instructions. `false`: no note (the `recall` tool still works).
   * @defaultValue `{ limit: 5, minScore: 0.3 }`
   */
  recall?: { limit?: number | undefined; minScore?: number | undefined } | false | undefined;
  /**
   * When the run answers (`afterAnswer`), one model call reads the run's turns and remembers the lasting
   * facts and episodes it finds (with a JSON schema); near-duplicates of what is remembered are
   * skipped. Leave out for explicit memory only (the `remember` tool).
   */
  extract?: { gemini: Gemini; model: string; instructions?: string | undefined } | undefined;
  /**
   * Put the memories' texts in the `plugin` events (and thus spans and recordings). Off: events
   * carry ids and counts only, since memories are personal data.
   * @defaultValue false
   */
  includeContents?: boolean | undefined;
  /** Apply to the run's subagents too (same user, their own recall). @defaultValue true */
  inherit?: boolean | undefined;
};

/** The plugin's state of one run. @internal */
export type MemoryRunState = {
  readonly scope: string;
  /** The note sent before the history: undefined until the first model call, null for none. */
  note: Content | null | undefined;
  /** Where this run's turns begin in the history (for extraction). */
  readonly firstTurn: number;
};

/** The text of a content's text parts (not thoughts). */
function textOf(content: Content): string {
  return (content.parts ?? [])
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text)
    .join('\n');
}

/** The latest user message with words in it (a tool response has none). */
function lastUserText(contents: readonly Content[]): string {
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index] as Content;
    if (content.role !== 'user') continue;
    const text = textOf(content).trim();
    if (text !== '') return text;
  }
  return '';
}

/**
 * The recalled memories a store of gemloop's would have written, of the run's scope, `limit` at
 * most, and how many others it gave that were no such memory. A store's rows are hostile:
 * Memory Bank's `fact` of megabytes, an app's own store, a file or row with a megabyte `id`
 * (attack26) went whole into every prompt of the user; an app's store that left out its scope
 * filter put another user's memory (stamped with their scope) in the prompt, and one that
 * ignored `limit` all its rows (attack63b).
 */
function withinBounds(
  found: readonly ScoredMemory[],
  scope: string,
  limit: number,
): {
  memories: ScoredMemory[];
  refused: number;
} {
  const memories = found.filter(
    ({ id, text, scope: theirs }) =>
      typeof id === 'string' &&
      id.length <= MAX_MEMORY_ID &&
      typeof text === 'string' &&
      text.length <= MAX_MEMORY_TEXT &&
      // A record without a scope is the store's answer for the scope asked.
      (theirs === undefined || theirs === scope),
  );
  return { memories: memories.slice(0, limit), refused: found.length - memories.length };
}

/**
 * Long-term memory as a plugin: recalls the user's memories by meaning before the run's model
 * calls (a note for those calls only), answers the `remember`/`recall`/`forget` tools of
 * `memoryTools()` in the run's scope, and (with `extract`) remembers what a finished run taught.
 * It reports `recalled`, `remembered`, `forgot` and `extracted` plugin events with ids and
 * counts. A recalled memory no gemloop store would write (a text over 4,000 characters, an id
 * over 256) or of another scope than the run's is left out of the note and the tool's answer,
 * counted as `refused` in `recalled`; a store's answer past the limit is cut to it.
 * Its network hooks are `recorded`, so a durable run replays them.
 *
 * @example
 * ```ts
 * const memory = createMemory({ store: createInMemoryStore(), embed: geminiEmbed({ gemini }) });
 * const agent = createAgent({ gemini, model, tools: [...memoryTools()] });
 * await agent.run('Plan my weekend', { plugins: [memoryPlugin({ memory, scope: user.id })] });
 * ```
 */
export function memoryPlugin({
  memory,
  scope,
  recall = {},
  extract,
  includeContents = false,
  inherit = true,
}: MemoryPluginOptions): AgentPlugin<MemoryRunState> {
  if (typeof scope !== 'function') checkScope(scope);
  const limit = recall === false ? 0 : (recall.limit ?? DEFAULT_RECALL_LIMIT);
  const minScore = recall === false ? 1 : (recall.minScore ?? DEFAULT_MIN_SCORE);
  // Checked now, not on every run's first model call (limit 0 turns recall off).
  if (limit !== 0) checkSearchBounds(limit, minScore);
  const shown = (memories: readonly ScoredMemory[]) =>
    includeContents
      ? { memories: memories.map(({ id, kind, text, score }) => ({ id, kind, text, score })) }
      : {};
  const answerTool = async (
    toolName: string,
    input: Readonly<Record<string, unknown>>,
    run: PluginRun<MemoryRunState>,
  ): Promise<unknown> => {
    const { scope: own } = run.state;
    // The model's arguments, before any schema parsed them: each is checked where it is used.
    const text = (key: string): string => {
      const value = input[key];
      if (typeof value !== 'string' || value.trim() === '') {
        throw new InvalidArgumentError({
          argument: key,
          message: `\`${key}\` must be a non-empty string.`,
        });
      }
      return value;
    };
    if (toolName === MEMORY_TOOL_NAMES.remember) {
      const kind = input['kind'] === 'episode' ? 'episode' : 'fact';
      const remembered = text('text');
      // The client's key is no memory (attack-core11): it would be recalled into later prompts.
      if (internalsOf(run).redact(remembered) !== remembered) {
        throw new InvalidArgumentError({
          argument: 'text',
          message: '`text` holds a secret of the client; it is not remembered.',
        });
      }
      // Kept under an id of the turn and the words, not the call's id (a turn generated again
      // has new ones): the call run again (a durable re-run of the step without its record, an
      // app that runs the turn again) keeps one memory; the same words in another turn, another.
      const id = await memoryIdOf('remembered', [
        own,
        run.conversationId ?? null,
        run.path,
        run.contents.slice(0, run.state.firstTurn + 1),
        kind,
        remembered,
      ]);
      const record = await memory.remember(own, remembered, { kind, signal: run.signal, id });
      run.emit('remembered', { ids: [record.id], count: 1, via: 'tool' });
      return { remembered: { id: record.id, kind: record.kind } };
    }
    if (toolName === MEMORY_TOOL_NAMES.recall) {
      const toolLimit = limit === 0 ? DEFAULT_RECALL_LIMIT : limit;
      const { memories: found, refused } = withinBounds(
        await memory.recall(own, text('query'), {
          limit: toolLimit,
          minScore: recall === false ? DEFAULT_MIN_SCORE : minScore,
          signal: run.signal,
        }),
        own,
        toolLimit,
      );
      run.emit('recalled', {
        ids: found.map(({ id }) => id),
        count: found.length,
        via: 'tool',
        ...(refused === 0 ? {} : { refused }),
        ...shown(found),
      });
      // The tool's answer is a functionResponse (its own channel, nothing to close), but what it
      // holds is stored text all the same: the model is told it is data, as in the note.
      return {
        memories: found.map(({ id, kind, text }) => ({ id, kind, text })),
        note: RECALLED_DATA_NOTICE,
      };
    }
    const id = text('id');
    const forgotten = await memory.forget(own, id);
    run.emit('forgot', { ids: forgotten ? [id] : [], count: forgotten ? 1 : 0, via: 'tool' });
    return forgotten ? { forgotten: id } : { error: `No memory with id ${JSON.stringify(id)}.` };
  };
  const toolNames = new Set<string>(Object.values(MEMORY_TOOL_NAMES));
  return definePlugin<MemoryRunState>({
    name: 'memory',
    inherit,
    // Network calls (embeddings, the store, the extractor model): a durable run records them.
    // beforeToolCall, not wrapToolCall: a recorded wrapper would put every tool's own execution
    // (a durable step of its own) inside the plugin's step.
    recorded: ['beforeModelCall', 'beforeToolCall', 'afterAnswer'],
    // The recalled note lives in the state: a run resumed after a crash gets it back from the
    // record instead of recalling again (and maybe finding other memories) on its next call.
    recordedState: true,
    startRun(run) {
      const own = typeof scope === 'function' ? scope(run) : scope;
      checkScope(own);
      // The run's input is the last content of the history when it starts.
      return { scope: own, note: undefined, firstTurn: Math.max(0, run.contents.length - 1) };
    },
    async beforeModelCall(call, run) {
      if (limit === 0) return;
      if (run.state.note === undefined) {
        // A message longer than a query (a pasted document) is recalled by its opening: the
        // whole of it failed the run (attack26). The message itself is sent whole.
        const query = toMemoryQuery(lastUserText(call.contents));
        const { memories: found, refused } = withinBounds(
          query === ''
            ? []
            : await memory.recall(run.state.scope, query, { limit, minScore, signal: run.signal }),
          run.state.scope,
          limit,
        );
        run.state.note = found.length === 0 ? null : toRecalledNote(found);
        run.emit('recalled', {
          ids: found.map(({ id }) => id),
          count: found.length,
          ...(refused === 0 ? {} : { refused }),
          ...shown(found),
        });
      }
      const note = run.state.note;
      return note === null ? undefined : { contents: [note, ...call.contents] };
    },
    async beforeToolCall(call, run): Promise<ToolCallDecision | undefined> {
      if (!toolNames.has(call.toolName)) return undefined;
      // Answered here, before the tool runs: the call is the plugin's to make in its own scope
      // (the tool itself holds none). A failure goes back to the model as the call's result.
      try {
        return { type: 'result', result: await answerTool(call.toolName, call.args, run) };
      } catch (error) {
        return { type: 'result', result: { error: toolFailure(call.toolName, error, run) } };
      }
    },
    async afterAnswer(answer, run) {
      if (extract === undefined) return;
      const turns = run.contents.slice(run.state.firstTurn);
      // The answer joins the history after this hook; the extractor reads it all the same.
      const last = turns[turns.length - 1];
      const withAnswer: readonly Content[] =
        last?.role === 'model' || answer.text === ''
          ? turns
          : [...turns, { role: 'model', parts: [{ text: answer.text }] }];
      const ids = await extractMemories({
        ...extract,
        memory,
        scope: run.state.scope,
        contents: withAnswer,
        signal: run.signal,
      });
      run.emit('extracted', { ids, count: ids.length });
    },
  });
}

const FAILED_VERB: Readonly<Record<string, string>> = {
  [MEMORY_TOOL_NAMES.remember]: 'remembered',
  [MEMORY_TOOL_NAMES.recall]: 'recalled',
  [MEMORY_TOOL_NAMES.forget]: 'forgotten',
};

/**
 * What the model is told of a memory tool call that failed. A bad argument of its own (the
 * plugin's `InvalidArgumentError`) is its to fix, word for word. Anything else failed in the
 * store or the embedding call: the framework's own tool over the framework's own store, whose
 * message names a file path, a lock's holder (pid and host) or a gateway's address, none of it
 * the model's business nor fit for the user's page it may repeat it to (leftovers79b). The model
 * gets what failed and what it can do; the whole error, redacted, goes to the log and to a
 * `tool-failed` event, as a thrown tool's error reaches the run's events (in a recorded run,
 * without its local details, as a durable tool step records a thrown error).
 */
function toolFailure(toolName: string, error: unknown, run: PluginRun<MemoryRunState>): string {
  if (InvalidArgumentError.isInstance(error)) return error.message;
  const internals = internalsOf(run);
  const detail = internals.redact(describeThrown(error));
  // A recorded run (a durable one) stores the report with the hook's record and in the run's
  // event stream, in its database: read by whoever reads it, and served to every `runs.events()`
  // client (a browser's page). There it holds the error as a thrown tool's is stored, without the
  // paths, URLs and addresses (redactLocalDetails) and cut, as the durable tool step's record
  // (attack65b); the log keeps it whole. In process the event is the application's own stream.
  const told = internals.record === undefined ? detail : cutErrorText(redactLocalDetails(detail));
  run.emit('tool-failed', { tool: toolName, error: errorNameOf(error), message: told });
  (internals.context() as RunContext<unknown>).config.logger.warn(
    { tool: toolName, error: detail },
    'a memory tool failed; the model was told the memory store is unavailable',
  );
  return (
    `The memory store failed, so nothing was ${FAILED_VERB[toolName] ?? 'done'}. ` +
    'Try again later, or go on without memory for now.'
  );
}

/**
 * The thrown value's class name for the `tool-failed` event, as the loop shows a tool error's
 * class (`errorClassName`). A `name` of another shape or a getter that throws gives `Error`: the
 * store failed, and that is still answered to the model (attack65b: a throwing getter ended the
 * run with a PluginError, and any name went into the event, and a durable run's record, as it
 * was). A thrown non-error gives its type.
 */
function errorNameOf(error: unknown): string {
  return error instanceof Error ? (errorClassName(error) ?? 'Error') : typeof error;
}
