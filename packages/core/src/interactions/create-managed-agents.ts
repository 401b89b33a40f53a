import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Gemini } from '../http/gemini.ts';
import { backgroundRuleOf } from './agent-background-rule.ts';
import type { ManagedAgent, ManagedAgentPage, ManagedAgents } from './managed-agents.ts';
import { checkBody, checkResourceId, resourceReads, resourceSender } from './resource-requests.ts';

const EXAMPLE = "{ id: 'code-reviewer', base_agent: 'antigravity-preview-05-2026' }";

/**
 * The managed agents API of a client made by `createGemini`: routes from `@google/genai`'s
 * `src/gaos/funcs/agents-*.ts` (`POST|GET /{v}/agents`, `GET|DELETE /{v}/agents/{id}`) and
 * ai.google.dev/gemini-api/docs/custom-agents.
 *
 * @example
 * ```ts
 * const agents = createManagedAgents(gemini);
 * await agents.create({
 *   id: 'code-reviewer',
 *   base_agent: 'antigravity-preview-05-2026',
 *   system_instruction: 'Review every file for bugs.',
 * });
 * const review = await createInteractions(gemini).create({ agent: 'code-reviewer', input: 'Review /workspace' });
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createManagedAgents(gemini: Gemini): ManagedAgents {
  const send = resourceSender(gemini, 'createManagedAgents');
  const {
    path: _path,
    check,
    ...reads
  } = resourceReads<ManagedAgent, ManagedAgentPage>(send, 'agents', 'a managed agent');
  const agents: ManagedAgents = {
    ...reads,
    // Async, so a bad definition rejects the promise (as `fork`'s checks do), never throws here.
    async create(definition, options) {
      checkDefinition(definition);
      return send({
        method: 'agents.create',
        path: 'agents',
        httpMethod: 'POST',
        options,
        body: definition,
        check,
      });
    },
    async fork(id, changes, options) {
      checkResourceId(id, 'id', 'a managed agent');
      checkBody(changes, 'changes', "{ id: 'code-reviewer-strict' }");
      checkResourceId(changes.id, 'changes.id', 'the new agent');
      if (changes.id === id) {
        throw new InvalidArgumentError({
          argument: 'changes.id',
          message: `changes.id must differ from the agent forked (${id}): a fork is a new agent.`,
        });
      }
      const source = await agents.get(id, options);
      return agents.create({ ...withoutOutputFields(source), ...changes }, options);
    },
  };
  return agents;
}

function checkDefinition(definition: unknown): void {
  checkBody(definition, 'definition', EXAMPLE);
  const { id, base_agent } = definition as Record<string, unknown>;
  checkResourceId(id, 'definition.id', 'the new agent');
  if (base_agent !== undefined && (typeof base_agent !== 'string' || base_agent === '')) {
    throw new InvalidArgumentError({
      argument: 'definition.base_agent',
      message: `definition.base_agent must name the agent it extends, e.g. ${EXAMPLE}.`,
    });
  }
  if (typeof base_agent === 'string' && backgroundRuleOf(id as string) !== undefined) {
    // An id that reads as a built-in agent's would get that agent's rule client-side.
    throw new InvalidArgumentError({
      argument: 'definition.id',
      message: `definition.id ${String(id)} starts like a built-in agent's name (deep-research..., antigravity...): pick another id.`,
    });
  }
}

// What the API fills in: sent back on a create it would refuse or ignore.
function withoutOutputFields(agent: ManagedAgent): ManagedAgent {
  const {
    create_time: _created,
    update_time: _updated,
    created: _c,
    updated: _u,
    name: _name,
    ...rest
  } = agent;
  return rest as ManagedAgent;
}
