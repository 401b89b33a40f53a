import { compactionValueCheck } from '../agent/config/options/compaction.ts';
import { guardrailsValueCheck } from '../agent/config/options/guardrails.ts';
import { usdOption } from '../models/usd-option.ts';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  invalidOption,
  nestedOption,
  oneOfOption,
  optionCheck,
  required,
} from '../options/define-options.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatBudget, CreateChatSessionOptions } from './chat-session.ts';

/**
 * The defaults of the chat session's options that have one value (the others are made per
 * session: an id, a store, a logger), declared once; create-chat-session.test.ts holds the TSDoc
 * `@defaultValue`s of `CreateChatSessionOptions` to them. @internal
 */
export const CHAT_SESSION_DEFAULTS: {
  readonly turnsWithoutModel: NonNullable<CreateChatSessionOptions<unknown>['turnsWithoutModel']>;
  readonly now: () => number;
} = { turnsWithoutModel: 'same-model', now: Date.now };

const STORE_METHODS = ['load', 'append', 'clear'] as const;

const limitDeclaration: DeclaredOptions<ChatHistoryLimit> = defineOptions<ChatHistoryLimit>({
  name: 'limit',
  example: '{ maxTurns?, maxTokens? }',
  checks: {
    maxTurns: integerOption({
      min: 0,
      message: (path, value) =>
        `${path} must be a whole number >= 0 (0 sends each message without history); got ${describeValue(value)}.`,
    }),
    maxTokens: optionCheck(
      (value) => typeof value === 'number' && value > 0,
      (path, value) => `${path} must be a number > 0; got ${describeValue(value)}.`,
    ),
  },
});

const budgetDeclaration: DeclaredOptions<ChatBudget> = defineOptions<ChatBudget>({
  name: 'budget',
  example: '{ maxCostUsd: 0.5 }',
  checks: {
    maxCostUsd: required(usdOption),
  },
});

/**
 * The options of a chat session, so a bad one fails when the session is made rather than on its
 * first send.
 * @internal
 */
export const chatOptionsDeclaration: DeclaredOptions<CreateChatSessionOptions<unknown>> =
  defineOptions<CreateChatSessionOptions<unknown>>({
    name: 'createChatSession()',
    example: '{ agent, store?, id?, limit? }',
    checks: {
      agent: required(
        optionCheck(
          (value) =>
            typeof (value as { run?: unknown } | undefined)?.run === 'function' &&
            typeof (value as { stream?: unknown }).stream === 'function',
          'createChatSession() needs the agent to chat with: { agent: createAgent({...}) }.',
        ),
      ),
      store: (value, path) => {
        const missing = STORE_METHODS.filter(
          (method) => typeof (value as Record<string, unknown> | null)?.[method] !== 'function',
        );
        if (missing.length > 0) {
          throw invalidOption(
            path,
            `store must implement HistoryStore (load, append, clear); it lacks ${missing.join(', ')}.`,
          );
        }
      },
      id: optionCheck(
        (value) => typeof value === 'string' && value !== '',
        (_path, value) =>
          `id must be a non-empty string (the conversation's key in the store), or left out for a random one; got ${value === '' ? 'an empty string' : typeof value}.`,
      ),
      limit: nestedOption(limitDeclaration),
      compaction: compactionValueCheck,
      logger: optionCheck(
        (value) => typeof (value as { child?: unknown } | null)?.child === 'function',
        'logger must be a Logger (pino or any object with child, debug, info, warn, error).',
      ),
      now: functionOption('now must be a function that returns the time in ms since the epoch.'),
      guardrails: guardrailsValueCheck,
      // Checked when a send's run starts (resolvePlugins names the plugin at fault).
      plugins: checkedWhereUsed,
      budget: nestedOption(budgetDeclaration),
      turnsWithoutModel: oneOfOption(
        ['same-model', 'other-model'],
        (_path, value) =>
          `turnsWithoutModel must be 'same-model' (send the thought signatures of stored turns that do not record their model) or 'other-model' (send them without); got ${JSON.stringify(value) ?? String(value)}.`,
      ),
    },
  });

/**
 * Checks the options of a chat session and returns what was checked: a copy with each option
 * read once, the budget and the history limit too (read on every send). A getter (a config
 * Proxy) that gave the check a budget and the sends `undefined` turned the spending limit off
 * (attack15).
 * @throws {@link InvalidArgumentError} naming the option and the fix.
 * @internal
 */
export function checkChatOptions<Output>(
  options: CreateChatSessionOptions<Output>,
): CreateChatSessionOptions<Output> {
  // `budget` and `limit` are nestedOptions: copied in the same pass.
  return checkOptionsCopy(chatOptionsDeclaration, options) as CreateChatSessionOptions<Output>;
}

/**
 * Checks a history limit on its own, with the chat session's own rules and messages: for callers
 * that window a stored conversation outside a chat session (`@gemloop/dbos`'s durable chat turn),
 * so one `limit` is declared once. Returns a copy read once (a getter is not asked again).
 * @throws {@link InvalidArgumentError} naming `path` and the fix.
 * @internal
 */
export function checkChatHistoryLimit(value: unknown, path: string): ChatHistoryLimit | undefined {
  if (value === undefined) return undefined;
  return checkOptionsCopy(limitDeclaration, value, path);
}
