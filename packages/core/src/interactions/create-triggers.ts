import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Gemini } from '../http/gemini.ts';
import { checkAgentBackground } from './agent-background-rule.ts';
import {
  callOptionsOf,
  checkBody,
  pageCheck,
  resourceCheck,
  resourceReads,
  resourceSender,
  toListQuery,
} from './resource-requests.ts';
import type {
  CreateTriggerRequest,
  Trigger,
  TriggerExecution,
  TriggerExecutionPage,
  TriggerPage,
  Triggers,
} from './triggers.ts';

// Five fields (minute hour day month weekday) of digits, `*`, `/`, `,`, `-`, or names (MON, JAN).
const CRON_FIELD = /^[0-9A-Za-z*/,?-]+$/;

/**
 * The triggers API of a client made by `createGemini`: routes from `@google/genai`'s
 * `src/gaos/funcs/triggers-*.ts` (`POST|GET /{v}/triggers`, `GET|DELETE /{v}/triggers/{id}`,
 * `GET|POST /{v}/triggers/{id}/executions`).
 *
 * @example
 * ```ts
 * const triggers = createTriggers(gemini);
 * const daily = await triggers.create({
 *   interaction: { agent: 'news-digest', input: 'Summarise yesterday' },
 *   schedule: '0 7 * * *',
 *   time_zone: 'Europe/Oslo',
 * });
 * const { trigger_executions } = await triggers.listExecutions(daily.id);
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createTriggers(gemini: Gemini): Triggers {
  const send = resourceSender(gemini, 'createTriggers');
  const { path, check, ...reads } = resourceReads<Trigger, TriggerPage>(
    send,
    'triggers',
    'a trigger',
  );
  return {
    ...reads,
    async create(request, options) {
      checkTrigger(request);
      return send({
        method: 'triggers.create',
        path: 'triggers',
        httpMethod: 'POST',
        options,
        body: request,
        check,
      });
    },
    run: async (id, options) =>
      send({
        method: 'triggers.run',
        path: `${path(id)}/executions`,
        httpMethod: 'POST',
        options,
        body: {},
        check: resourceCheck<TriggerExecution>('a trigger execution'),
      }),
    listExecutions: async (id, options) =>
      send({
        method: 'triggers.listExecutions',
        path: `${path(id)}/executions${toListQuery(options)}`,
        httpMethod: 'GET',
        options: callOptionsOf(options),
        check: pageCheck<TriggerExecutionPage>('trigger_executions'),
      }),
  };
}

function checkTrigger(request: CreateTriggerRequest): void {
  checkBody(
    request,
    'request',
    "{ interaction: { agent, input }, schedule: '0 7 * * *', time_zone: 'Europe/Oslo' }",
  );
  const fields = typeof request.schedule === 'string' ? request.schedule.trim().split(/\s+/) : [];
  if (fields.length !== 5 || !fields.every((field) => CRON_FIELD.test(field))) {
    throw new InvalidArgumentError({
      argument: 'request.schedule',
      message:
        "request.schedule must be a five-field cron expression (minute hour day month weekday), e.g. '0 7 * * 1-5'.",
    });
  }
  if (typeof request.time_zone !== 'string' || !isTimeZone(request.time_zone)) {
    throw new InvalidArgumentError({
      argument: 'request.time_zone',
      message: "request.time_zone must be an IANA time zone, e.g. 'Europe/Oslo' or 'UTC'.",
    });
  }
  const interaction = checkBody(
    request.interaction,
    'request.interaction',
    "{ agent: 'news-digest', input: 'Summarise yesterday' }",
  );
  const hasModel = typeof interaction.model === 'string' && interaction.model !== '';
  const hasAgent = typeof interaction.agent === 'string' && interaction.agent !== '';
  if (hasModel === hasAgent) {
    throw new InvalidArgumentError({
      argument: 'request.interaction.model',
      message: 'request.interaction must name exactly one of model and agent.',
    });
  }
  if (interaction.input === undefined || interaction.input === null) {
    throw new InvalidArgumentError({
      argument: 'request.interaction.input',
      message: 'request.interaction.input is required: what each scheduled run is asked.',
    });
  }
  if (hasAgent) {
    checkAgentBackground(
      interaction.agent as string,
      interaction.background,
      'request.interaction',
    );
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
}
