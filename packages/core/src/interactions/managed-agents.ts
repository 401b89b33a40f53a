import type { CallOptions } from '../http/call-options.ts';
import type { ResourceListOptions } from './resource-requests.ts';

/**
 * The sandbox an agent runs in, as a managed agent's `base_environment` or an interaction's
 * `environment` spells it (`@google/genai`'s `interactions.Environment`): `'remote'` for a fresh
 * one, the id of an environment (`env_...`), or a configuration.
 */
export type AgentEnvironmentConfig = {
  type: 'remote';
  /** An existing environment to use (and update) instead of a new one. */
  environment_id?: string | undefined;
  /** `'disabled'` (no outbound network), or `{ allowlist: [{ domain }] }`. Left out: open. */
  network?: 'disabled' | { allowlist?: Array<Record<string, unknown>> | undefined } | undefined;
  /** What is mounted: repositories, files (`{ type: 'repository', source, target }`, ...). */
  sources?: Array<Record<string, unknown>> | undefined;
  [field: string]: unknown;
};

/**
 * A managed agent's definition (`POST /v1beta/agents`, `@google/genai`'s `agents.Agent`):
 * instructions, tools and an environment bundled under an id that interactions name as `agent`.
 */
export type ManagedAgentDefinition = {
  /** The agent's id, chosen by you (e.g. `code-reviewer`); interactions name it as `agent`. */
  id: string;
  /** The agent it extends, e.g. `antigravity-preview-05-2026`. */
  base_agent?: string | undefined;
  description?: string | undefined;
  system_instruction?: string | undefined;
  /** The environment each interaction of the agent starts from. */
  base_environment?: AgentEnvironmentConfig | string | undefined;
  /** `{ type: 'antigravity', model?, max_total_tokens? }`. */
  agent_config?: Record<string, unknown> | undefined;
  /** Its tools (`{ type: 'code_execution' }`, `google_search`, `url_context`, `function`, `mcp_server`). */
  tools?: Array<Record<string, unknown>> | undefined;
  [field: string]: unknown;
};

/** A managed agent as the API returns it. */
export type ManagedAgent = ManagedAgentDefinition;

/** A page of `agents.list`. */
export type ManagedAgentPage = {
  agents: ManagedAgent[];
  next_page_token?: string | undefined;
};

/**
 * The managed agents of Google's Gemini API (`/v1beta/agents`), made by
 * `createManagedAgents(gemini)` from `@gemloop/core/interactions`. An interaction runs one with
 * `interactions.create({ agent: id, input, environment })`; it keeps its base agent's rule on
 * `background` (a Deep Research one needs it, an Antigravity one refuses it).
 */
export type ManagedAgents = {
  /** `POST /v1beta/agents`. */
  create(definition: ManagedAgentDefinition, options?: CallOptions): Promise<ManagedAgent>;
  /** `GET /v1beta/agents/{id}`. */
  get(id: string, options?: CallOptions): Promise<ManagedAgent>;
  /** `GET /v1beta/agents[?page_size&page_token]`: one page. */
  list(options?: ResourceListOptions): Promise<ManagedAgentPage>;
  /** `DELETE /v1beta/agents/{id}`. */
  delete(id: string, options?: CallOptions): Promise<void>;
  /**
   * A new agent with `id`'s definition and `changes` over it (a new `id` at least): a `get`, then
   * a `create`. The API has no fork route (`@google/genai`'s `agents` has create, get, list and
   * delete), so this is done client-side; the new agent does not follow later changes of the first.
   */
  fork(
    id: string,
    changes: Partial<ManagedAgentDefinition> & { id: string },
    options?: CallOptions,
  ): Promise<ManagedAgent>;
};
