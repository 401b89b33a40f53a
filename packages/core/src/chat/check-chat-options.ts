import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CreateChatSessionOptions } from './chat-session.ts';

/**
 * Checks the options of a chat session, so a bad one fails when the session is made rather than
 * on its first send.
 *
 * @throws {@link InvalidArgumentError} naming the option and the fix.
 * @internal
 */
export function checkChatOptions(options: CreateChatSessionOptions<unknown>): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: 'createChatSession() takes an options object: { agent, store?, id?, limit? }.',
    });
  }
  const { agent, store, id, limit, logger, now, turnsWithoutModel } = options;
  if (typeof agent?.run !== 'function' || typeof agent.stream !== 'function') {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: 'createChatSession() needs the agent to chat with: { agent: createAgent({...}) }.',
    });
  }
  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    throw new InvalidArgumentError({
      argument: 'id',
      message: `id must be a non-empty string (the conversation's key in the store), or left out for a random one; got ${id === '' ? 'an empty string' : typeof id}.`,
    });
  }
  if (store !== undefined) {
    const missing = (['load', 'append', 'clear'] as const).filter(
      (method) => typeof (store as unknown as Record<string, unknown>)?.[method] !== 'function',
    );
    if (missing.length > 0) {
      throw new InvalidArgumentError({
        argument: 'store',
        message: `store must implement HistoryStore (load, append, clear); it lacks ${missing.join(', ')}.`,
      });
    }
  }
  if (limit !== undefined) {
    if (typeof limit !== 'object' || limit === null) {
      throw new InvalidArgumentError({
        argument: 'limit',
        message: 'limit must be an object { maxTurns?, maxTokens? }.',
      });
    }
    const { maxTurns, maxTokens } = limit;
    if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns >= 0)) {
      throw new InvalidArgumentError({
        argument: 'limit.maxTurns',
        message: `limit.maxTurns must be a whole number >= 0 (0 sends each message without history); got ${String(maxTurns)}.`,
      });
    }
    if (
      maxTokens !== undefined &&
      !(typeof maxTokens === 'number' && maxTokens > 0 && !Number.isNaN(maxTokens))
    ) {
      throw new InvalidArgumentError({
        argument: 'limit.maxTokens',
        message: `limit.maxTokens must be a number > 0; got ${String(maxTokens)}.`,
      });
    }
  }
  if (logger !== undefined && typeof logger?.child !== 'function') {
    throw new InvalidArgumentError({
      argument: 'logger',
      message: 'logger must be a Logger (pino or any object with child, debug, info, warn, error).',
    });
  }
  if (
    turnsWithoutModel !== undefined &&
    turnsWithoutModel !== 'same-model' &&
    turnsWithoutModel !== 'other-model'
  ) {
    throw new InvalidArgumentError({
      argument: 'turnsWithoutModel',
      message: `turnsWithoutModel must be 'same-model' (send the thought signatures of stored turns that do not record their model) or 'other-model' (send them without); got ${JSON.stringify(turnsWithoutModel) ?? String(turnsWithoutModel)}.`,
    });
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new InvalidArgumentError({
      argument: 'now',
      message: 'now must be a function that returns the time in ms since the epoch.',
    });
  }
}
