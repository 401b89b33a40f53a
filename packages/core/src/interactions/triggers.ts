import type { CallOptions } from '../http/call-options.ts';
import type { CreateInteractionRequest } from '../wire/interaction.ts';
import type { ResourceListOptions } from './resource-requests.ts';

/** What `triggers.create` takes (`@google/genai`'s `TriggerCreateParams`). */
export type CreateTriggerRequest = {
  /** The interaction each run creates: an agent's or a model's, as `interactions.create` takes it. */
  interaction: CreateInteractionRequest;
  /** A standard five-field cron expression, e.g. `0 7 * * 1-5`. */
  schedule: string;
  /** The IANA time zone the schedule is read in, e.g. `Europe/Oslo`. */
  time_zone: string;
  display_name?: string | undefined;
  /** The environment each run uses. */
  environment_id?: string | undefined;
  execution_timeout_seconds?: number | undefined;
  /** Failures in a row after which the trigger pauses itself (status `error`). */
  max_consecutive_failures?: number | undefined;
};

/** A trigger as the API returns it. */
export type Trigger = Omit<CreateTriggerRequest, 'interaction'> & {
  id: string;
  interaction: Record<string, unknown>;
  /** `active`, `paused` or `error`. */
  status?: string | undefined;
  next_run_time?: string | undefined;
  last_run_time?: string | undefined;
  consecutive_failure_count?: number | undefined;
  /** The last interaction a run created. */
  previous_interaction_id?: string | undefined;
  create_time?: string | undefined;
  update_time?: string | undefined;
  [field: string]: unknown;
};

/** One run of a trigger (`@google/genai`'s `TriggerExecution`). */
export type TriggerExecution = {
  id: string;
  trigger_id: string;
  /** `in_progress`, `completed`, `failed`, `skipped` or `timed_out`. */
  status?: string | undefined;
  /** The interaction the run created, when it created one. */
  interaction_id?: string | undefined;
  environment_id?: string | undefined;
  scheduled_time?: string | undefined;
  start_time?: string | undefined;
  end_time?: string | undefined;
  error?: string | undefined;
};

/** A page of `triggers.list`. */
export type TriggerPage = { triggers: Trigger[]; next_page_token?: string | undefined };
/** A page of `triggers.listExecutions`. */
export type TriggerExecutionPage = {
  trigger_executions: TriggerExecution[];
  next_page_token?: string | undefined;
};

/**
 * Scheduled agent runs of Google's Gemini API (`/v1beta/triggers`), made by
 * `createTriggers(gemini)` from `@gemloop/core/interactions`: each run of the cron `schedule`
 * creates the `interaction` the trigger holds; its executions list what each run did.
 */
export type Triggers = {
  /** `POST /v1beta/triggers`. */
  create(request: CreateTriggerRequest, options?: CallOptions): Promise<Trigger>;
  /** `GET /v1beta/triggers/{id}`. */
  get(id: string, options?: CallOptions): Promise<Trigger>;
  /** `GET /v1beta/triggers[?page_size&page_token]`: one page. */
  list(options?: ResourceListOptions): Promise<TriggerPage>;
  /** `DELETE /v1beta/triggers/{id}`. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /**
   * `POST /v1beta/triggers/{id}/executions`: runs the trigger now, off its schedule (a test of
   * its interaction, or a catch-up), and returns the execution.
   */
  run(id: string, options?: CallOptions): Promise<TriggerExecution>;
  /** `GET /v1beta/triggers/{id}/executions`: one page of its runs, newest first. */
  listExecutions(id: string, options?: ResourceListOptions): Promise<TriggerExecutionPage>;
};
