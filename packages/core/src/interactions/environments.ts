import type { CallOptions } from '../http/call-options.ts';
import type { AgentEnvironmentConfig } from './managed-agents.ts';
import type { ResourceListOptions } from './resource-requests.ts';

/** What `environments.create` takes (`@google/genai`'s `CreateEnvironmentRequest`). */
export type CreateEnvironmentRequest = {
  network?: AgentEnvironmentConfig['network'];
  sources?: AgentEnvironmentConfig['sources'];
  [field: string]: unknown;
};

/** An agent's execution environment as the API returns it (`@google/genai`'s `environments.Environment`). */
export type AgentEnvironment = CreateEnvironmentRequest & {
  id: string;
  /** `active` or `expired` (or a status this version does not know). */
  status?: string | undefined;
  created?: string | undefined;
  updated?: string | undefined;
  last_accessed?: string | undefined;
  file_count?: string | undefined;
  size_bytes?: string | undefined;
};

/** A page of `environments.list`. */
export type AgentEnvironmentPage = {
  environments: AgentEnvironment[];
  next_page_token?: string | undefined;
};

/**
 * The environments (sandboxes) of managed agents (`/v1beta/environments`), made by
 * `createEnvironments(gemini)` from `@gemloop/core/interactions`. An interaction runs in one with
 * `environment: id`; files an agent wrote stay in it between interactions.
 */
export type AgentEnvironments = {
  /** `POST /v1beta/environments`. */
  create(request?: CreateEnvironmentRequest, options?: CallOptions): Promise<AgentEnvironment>;
  /** `GET /v1beta/environments/{id}`. */
  get(id: string, options?: CallOptions): Promise<AgentEnvironment>;
  /** `GET /v1beta/environments[?page_size&page_token]`: one page. */
  list(options?: ResourceListOptions): Promise<AgentEnvironmentPage>;
  /** `DELETE /v1beta/environments/{id}`. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /**
   * A new environment with `id`'s sources and network, `changes` over them: a `get`, then a
   * `create`. The API has no fork route (`@google/genai`'s `environments` has create, get, list
   * and delete), so the new environment starts from the same sources, not from the files the
   * first one holds now.
   */
  fork(
    id: string,
    changes?: CreateEnvironmentRequest,
    options?: CallOptions,
  ): Promise<AgentEnvironment>;
};
