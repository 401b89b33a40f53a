import type { Agent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { checkOptionsCopy, checkReceiverNames } from '@gemloop/core/internal';
import { type BodyBudgetSettings, checkBodyBudgetOptions } from '../door/body-budget.ts';
import { DOOR_DEFAULTS, wholeOption } from '../door/check-door-options.ts';
import { openAIKeys } from '../door/door-option-keys.ts';
import { heartbeatOption } from '../door/heartbeat.ts';
import { checkAllowedHosts, type HostPolicy } from '../door/host-policy.ts';
import { checkAllowedOrigins, type OriginPolicy } from '../door/origin-policy.ts';
import type { OpenAIHandlerOptions } from './openai-handler-options.ts';
import type { RateLimit } from './rate-limiter.ts';
import { isRecord } from './to-contents.ts';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** The options of `createOpenAIHandler` once checked, with their defaults. @internal */
export type OpenAISettings = BodyBudgetSettings & {
  agents: OpenAIHandlerOptions['agents'];
  authorize: OpenAIHandlerOptions['authorize'];
  /** `onError`, made safe to call: a hook that throws is ignored. */
  onError: (error: unknown) => void;
  /** The clock, in ms. */
  now: () => number;
  /** The `created` of every model `GET /v1/models` lists, in seconds: when the door was made. */
  created: number;
  maxConversations: number;
  maxResponses: number;
  maxBodyBytes: number;
  /** A streamed answer's heartbeat interval in ms; 0 for none. */
  heartbeatMs: number;
  rateLimit: Readonly<RateLimit> | false;
  basePath: string;
  /** The pages `allowedOrigins` admits. */
  allowedOrigins: OriginPolicy;
  /** The host names `allowedHosts` admits. */
  allowedHosts: HostPolicy;
};

/**
 * The options of `createOpenAIHandler`, checked, with their defaults.
 * @throws {@link InvalidArgumentError} naming the option at fault and the fix.
 * @internal
 */
export function checkOpenAIOptions(given: OpenAIHandlerOptions): OpenAISettings {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message });
  };
  if (!isRecord(given))
    fail('options', 'createOpenAIHandler takes an options object: { agents, authorize }.');
  // Each option read once, `rateLimit` and the `agents` map too (attack23), and checked.
  const options = checkOptionsCopy(openAIKeys, given);
  if (!isRecord(options.agents) || Object.keys(options.agents).length === 0) {
    fail(
      'agents',
      'agents must map at least one model id to an agent: { agents: { "support-agent": agent } }.',
    );
  }
  for (const [id, agent] of Object.entries(options.agents)) {
    if (!MODEL_ID.test(id)) {
      fail(
        'agents',
        `agents: the model id "${id.slice(0, 140)}" must be 1 to 128 letters, digits and . _ : / - (starting with a letter or digit).`,
      );
    }
    if (!isRecord(agent) || typeof (agent as { run?: unknown }).run !== 'function') {
      fail('agents', `agents["${id}"] must be an agent from createAgent().`);
    }
    // The door follows a streamed run's hand-offs by name (`followAnsweringAgent`).
    checkReceiverNames(agent as Agent<unknown>, {
      caller: `createOpenAIHandler: agents["${id}"]`,
      argument: 'agents',
    });
  }
  if (typeof options.authorize !== 'function') {
    fail(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const rateLimit = options.rateLimit ?? DOOR_DEFAULTS.rateLimit;
  const basePath = options.basePath ?? '/v1';
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(basePath)) {
    fail('basePath', 'basePath must be a path such as "/v1" (no trailing slash).');
  }
  const now = options.now ?? Date.now;
  const maxBodyBytes = wholeOption(
    options.maxBodyBytes,
    'maxBodyBytes',
    DOOR_DEFAULTS.maxBodyBytes,
  );
  return {
    agents: options.agents,
    authorize: options.authorize,
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now,
    created: Math.floor(now() / 1000),
    maxConversations: wholeOption(options.maxConversations, 'maxConversations', 1000),
    maxResponses: wholeOption(options.maxResponses, 'maxResponses', 1000),
    maxBodyBytes,
    ...checkBodyBudgetOptions(options, maxBodyBytes),
    heartbeatMs: heartbeatOption(options.heartbeatMs),
    rateLimit,
    basePath,
    allowedOrigins: checkAllowedOrigins(options.allowedOrigins, []),
    allowedHosts: checkAllowedHosts(options.allowedHosts),
  };
}
