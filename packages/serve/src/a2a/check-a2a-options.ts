import type { Agent } from '@gemloop/core';
import {
  checkedApprovalBroker,
  checkOptionsCopy,
  checkReceiverNames,
} from '@gemloop/core/internal';
import {
  checkDoorOptions,
  type DoorSettings,
  failOption,
  wholeOption,
} from '../door/check-door-options.ts';
import { a2aKeys } from '../door/door-option-keys.ts';
import { checkAllowedHosts, type HostPolicy } from '../door/host-policy.ts';
import { checkAllowedOrigins, type OriginPolicy } from '../door/origin-policy.ts';
import { isRecord } from '../openai/to-contents.ts';
import type { A2AHandlerOptions } from './a2a-handler-options.ts';
import { DEFAULT_TOTAL_TASK_BYTES } from './tasks/bounded-task-store.ts';

/** The options of `createA2AHandler`, checked, with their defaults. @internal */
export type A2ASettings = DoorSettings & {
  allowedOrigins: OriginPolicy;
  allowedHosts: HostPolicy;
  agent: A2AHandlerOptions['agent'];
  card: A2AHandlerOptions['card'];
  authorize: A2AHandlerOptions['authorize'];
  maxContexts: number;
  maxTasks: number;
  maxTotalTaskBytes: number;
  maxSubscribersPerTask: number;
  v03: boolean;
};

/** Checks the options of `createA2AHandler`, naming the one it cannot serve with. @internal */
export function checkA2AOptions(given: A2AHandlerOptions): A2ASettings {
  if (!isRecord(given))
    failOption('options', 'createA2AHandler takes an options object: { agent, card, authorize }.');
  // Each option read once, `rateLimit` too (attack23), and checked.
  const options = checkOptionsCopy(a2aKeys, given);
  const durable = options.durable;
  if (durable !== undefined) {
    const runs = isRecord(durable) ? (durable.runs as unknown) : undefined;
    if (
      !isRecord(runs) ||
      !['start', 'events', 'status', 'result', 'cancel'].every(
        (name) => typeof runs[name] === 'function',
      ) ||
      typeof durable.agent !== 'string' ||
      durable.agent === ''
    ) {
      failOption(
        'durable',
        'durable must be { runs, agent }: the runs of createDurableRuns() (@gemloop/dbos) and the name of the agent the workers define.',
      );
    }
    const history = (durable as { history?: unknown }).history;
    if (
      history !== undefined &&
      (!isRecord(history) ||
        typeof history['load'] !== 'function' ||
        typeof history['append'] !== 'function')
    ) {
      failOption(
        'durable',
        "durable.history must be a HistoryStore ({ load, append, clear }): createPostgresHistoryStore() of @gemloop/dbos, shared by the fleet's doors, keeps each context's conversation; leave it out for tasks without their context's earlier turns.",
      );
    }
    const byReference = (durable as { historyByReference?: unknown }).historyByReference;
    if (
      byReference !== undefined &&
      (typeof byReference !== 'boolean' ||
        (byReference &&
          typeof (history as { historyReference?: unknown })?.historyReference !== 'function'))
    ) {
      failOption(
        'durable',
        "durable.historyByReference must be true or false, and true needs durable.history to be a store that names its turns by reference: createPostgresHistoryStore() of @gemloop/dbos (this version or later) on the workers' databaseUrl. Leave it out to send each task's context in its run's input.",
      );
    }
    const model = (durable as { model?: unknown }).model;
    if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
      failOption(
        'durable',
        "durable.model must be the agent's model name (as its workers define it, such as 'gemini-3-flash-preview'), or left out.",
      );
    }
    if (options.approvals !== undefined) {
      failOption(
        'approvals',
        "approvals is the in-process broker: leave it out with durable. A durable task asks for the approvals of its workers' needsApproval by itself (input-required, answered through runs.approve).",
      );
    }
  } else if (
    !isRecord(options.agent) ||
    typeof (options.agent as { run?: unknown }).run !== 'function'
  ) {
    failOption('agent', 'agent must be an agent from createAgent().');
  } else {
    // An object no broker of this version made was ignored: no approval ever shown (attack46a).
    checkedApprovalBroker(options.approvals, 'createA2AHandler');
    // Each context is a chat session, which finds a hand-off's holder by name.
    checkReceiverNames(options.agent as Agent<unknown>, {
      caller: 'createA2AHandler',
      argument: 'agent',
    });
  }
  const card = options.card;
  if (
    !isRecord(card) ||
    typeof card.name !== 'string' ||
    card.name.trim() === '' ||
    typeof card.description !== 'string' ||
    card.description.trim() === ''
  ) {
    failOption(
      'card',
      'card must say what the agent card shows: { name, description } (non-empty strings).',
    );
  }
  if (options.url !== undefined && !isHttpUrl(options.url)) {
    failOption('url', 'url must be the absolute http(s) URL of the JSON-RPC endpoint.');
  }
  return {
    ...checkDoorOptions(options),
    allowedOrigins: checkAllowedOrigins(options.allowedOrigins, []),
    allowedHosts: checkAllowedHosts(options.allowedHosts),
    agent: options.agent,
    card: options.card,
    authorize: options.authorize,
    maxContexts: wholeOption(options.maxContexts, 'maxContexts', 1000),
    maxTasks: wholeOption(options.maxTasks, 'maxTasks', 10_000),
    maxTotalTaskBytes: wholeOption(
      options.maxTotalTaskBytes,
      'maxTotalTaskBytes',
      DEFAULT_TOTAL_TASK_BYTES,
    ),
    maxSubscribersPerTask: wholeOption(options.maxSubscribersPerTask, 'maxSubscribersPerTask', 32),
    v03: options.v03 !== false,
  };
}

/** Whether `text` is an absolute http(s) URL. @internal */
export function isHttpUrl(text: unknown): boolean {
  try {
    const { protocol } = new URL(text as string);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
