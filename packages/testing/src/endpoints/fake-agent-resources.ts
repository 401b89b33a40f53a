import { isJsonObject } from '@gemloop/core/internal';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import { agentBackgroundRule, refuseBackground } from './fake-agent-rules.ts';
import { createFakeInteraction } from './fake-interactions.ts';
import { handleWebhooksRequest } from './fake-webhooks.ts';

// Managed agents, environments and triggers as the fake serves them (`/v1beta/agents`,
// `/environments`, `/triggers`): hand-written from `@google/genai`'s `src/gaos/funcs/*` and
// `src/gaos/models/{agents,environments,triggers}/*`. A trigger runs when asked
// (`POST /triggers/{id}/executions`, `@google/genai`'s `triggers.run`), never on its schedule: a
// test decides when time passes.

type Json = Record<string, unknown>;

/** `/{version}/{agents|environments|webhooks|triggers}[/{id}[:action][/executions]]`. */
export const agentResourcesRoute: RegExp =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/(agents|environments|webhooks|triggers)(?:\/([^/?:]+)(?::([A-Za-z]+))?(?:\/(executions))?)?\/?(?:\?(.*))?$/;

const BUILT_IN_AGENT = /^(deep-research|antigravity)/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CRON_FIELDS = 5;

/** Answers a managed agents, environments, webhooks or triggers route (authenticated already). @internal */
export async function handleAgentResourcesRequest(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  match: RegExpExecArray,
): Promise<FakeReply> {
  const [, apiVersion = 'v1beta', kind, id, action, executions] = match;
  const method = request.method;
  let body: Json = {};
  if (method === 'POST' || method === 'PATCH') {
    try {
      const parsed: unknown = request.body === '' ? {} : JSON.parse(request.body);
      if (!isJsonObject(parsed)) return bad(state, 'The body must be an object.');
      body = parsed;
    } catch {
      return bad(state, 'Invalid JSON payload received.');
    }
    recorded.body = body;
  }
  recorded.method = `${kind}.${action ?? (executions === undefined ? verbOf(method, id) : method === 'POST' ? 'run' : 'listExecutions')}`;
  if (kind === 'webhooks') return handleWebhooksRequest(state, method, id, action, body);
  if (action !== undefined) return notFound(state, `${method} :${action}`);
  if (kind === 'agents') return agents(state, method, id, body);
  if (kind === 'environments') return environments(state, method, id, body);
  return triggers(state, request, recorded, apiVersion, id, executions !== undefined, body);
}

function verbOf(method: string, id: string | undefined): string {
  if (id === undefined) return method === 'POST' ? 'create' : 'list';
  return method === 'DELETE' ? 'delete' : method === 'PATCH' ? 'update' : 'get';
}

function agents(state: FakeState, method: string, id: string | undefined, body: Json): FakeReply {
  if (id === undefined) {
    if (method === 'GET') return ok(state, { agents: [...state.agents.values()] });
    if (method !== 'POST') return notFound(state, method);
    const newId = body['id'];
    if (typeof newId !== 'string' || !ID.test(newId) || BUILT_IN_AGENT.test(newId)) {
      return bad(
        state,
        "`id` is required: lower-case letters, digits and `-`, not a built-in agent's name.",
      );
    }
    if (state.agents.has(newId)) {
      return jsonReply(
        state,
        googleError(409, `Agent ${newId} already exists.`, { status: 'ALREADY_EXISTS' }),
      );
    }
    const base = body['base_agent'];
    if (
      base !== undefined &&
      (typeof base !== 'string' || agentBackgroundRule(state, base) === undefined)
    ) {
      return jsonReply(
        state,
        googleError(404, `Base agent ${String(base)} was not found.`, { status: 'NOT_FOUND' }),
      );
    }
    const agent = { ...body, id: newId };
    state.agents.set(newId, agent);
    return ok(state, agent);
  }
  const agent = state.agents.get(id);
  if (agent === undefined) return missing(state, 'Agent', id);
  if (method === 'GET') return ok(state, agent);
  if (method === 'DELETE') {
    state.agents.delete(id);
    return ok(state, {});
  }
  return notFound(state, method);
}

function environments(
  state: FakeState,
  method: string,
  id: string | undefined,
  body: Json,
): FakeReply {
  const now = new Date(state.options.now?.() ?? Date.now()).toISOString();
  if (id === undefined) {
    if (method === 'GET') return ok(state, { environments: [...state.environments.values()] });
    if (method !== 'POST') return notFound(state, method);
    const network = body['network'];
    if (network !== undefined && network !== 'disabled' && !isJsonObject(network)) {
      return bad(state, "`network` must be 'disabled' or { allowlist: [...] }.");
    }
    if (body['sources'] !== undefined && !Array.isArray(body['sources'])) {
      return bad(state, '`sources` must be an array.');
    }
    state.resourceCounter++;
    const environment: Json = {
      ...body,
      id: `env_${state.resourceCounter.toString(36).padStart(8, '0')}`,
      status: 'active',
      created: now,
      updated: now,
      last_accessed: now,
      file_count: String(Array.isArray(body['sources']) ? body['sources'].length : 0),
      size_bytes: '0',
    };
    state.environments.set(environment['id'] as string, environment);
    return ok(state, environment);
  }
  const environment = state.environments.get(id);
  if (environment === undefined) return missing(state, 'Environment', id);
  if (method === 'GET') return ok(state, environment);
  if (method === 'DELETE') {
    state.environments.delete(id);
    return ok(state, {});
  }
  return notFound(state, method);
}

async function triggers(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  apiVersion: string,
  id: string | undefined,
  executions: boolean,
  body: Json,
): Promise<FakeReply> {
  const method = request.method;
  const nowMs = state.options.now?.() ?? Date.now();
  const now = new Date(nowMs).toISOString();
  if (id === undefined) {
    if (method === 'GET') {
      return ok(state, { triggers: [...state.triggers.values()].map((entry) => entry.resource) });
    }
    if (method !== 'POST') return notFound(state, method);
    const schedule = body['schedule'];
    if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== CRON_FIELDS) {
      return bad(state, '`schedule` must be a five-field cron expression.');
    }
    if (typeof body['time_zone'] !== 'string' || body['time_zone'] === '') {
      return bad(state, '`time_zone` is required.');
    }
    const interaction = body['interaction'];
    if (!isJsonObject(interaction)) return bad(state, '`interaction` is required.');
    const refused = refuseBackground(state, interaction);
    if (refused !== undefined) return refused;
    state.resourceCounter++;
    const resource: Json = {
      ...body,
      id: `trg_${state.resourceCounter.toString(36).padStart(8, '0')}`,
      status: 'active',
      consecutive_failure_count: 0,
      create_time: now,
      update_time: now,
    };
    state.triggers.set(resource['id'] as string, { resource, executions: [] });
    return ok(state, resource);
  }
  const trigger = state.triggers.get(id);
  if (trigger === undefined) return missing(state, 'Trigger', id);
  if (executions) {
    if (method === 'GET') {
      return ok(state, { trigger_executions: [...trigger.executions].reverse() });
    }
    if (method !== 'POST') return notFound(state, method);
    // A run now: the trigger's interaction, as its schedule would create it.
    const started = now;
    const reply = await createFakeInteraction(
      state,
      { ...(trigger.resource['interaction'] as Json) },
      { ...recorded },
      apiVersion,
    );
    const created = JSON.parse(reply.pieces.join('') || '{}') as Json;
    state.resourceCounter++;
    const interactionId = typeof created['id'] === 'string' ? created['id'] : undefined;
    const status =
      reply.status !== 200
        ? 'failed'
        : created['status'] === 'completed' || created['status'] === 'requires_action'
          ? 'completed'
          : created['status'] === 'failed'
            ? 'failed'
            : 'in_progress';
    const execution: Json = {
      id: `exe_${state.resourceCounter.toString(36).padStart(8, '0')}`,
      trigger_id: id,
      status,
      scheduled_time: started,
      start_time: started,
      ...(status === 'in_progress' ? {} : { end_time: now }),
      ...(interactionId === undefined ? {} : { interaction_id: interactionId }),
      ...(reply.status === 200
        ? {}
        : { error: String((created['error'] as Json | undefined)?.['message'] ?? reply.status) }),
    };
    trigger.executions.push(execution);
    trigger.resource['last_run_time'] = now;
    if (interactionId !== undefined) trigger.resource['previous_interaction_id'] = interactionId;
    return ok(state, execution);
  }
  if (method === 'GET') return ok(state, trigger.resource);
  if (method === 'DELETE') {
    state.triggers.delete(id);
    return ok(state, {});
  }
  return notFound(state, method);
}

function ok(state: FakeState, body: unknown): FakeReply {
  return jsonReply(state, { status: 200, body });
}

function bad(state: FakeState, message: string): FakeReply {
  return jsonReply(state, googleError(400, message, { status: 'INVALID_ARGUMENT' }));
}

function missing(state: FakeState, what: string, id: string): FakeReply {
  return jsonReply(
    state,
    googleError(404, `${what} ${id} was not found.`, { status: 'NOT_FOUND' }),
  );
}

function notFound(state: FakeState, method: string): FakeReply {
  return jsonReply(
    state,
    googleError(404, `[gemloop fake] ${method} is not a method of this route.`),
  );
}
