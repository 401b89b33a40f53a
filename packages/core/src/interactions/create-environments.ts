import type { Gemini } from '../http/gemini.ts';
import type { AgentEnvironment, AgentEnvironmentPage, AgentEnvironments } from './environments.ts';
import { checkBody, resourceReads, resourceSender } from './resource-requests.ts';

/**
 * The environments API of a client made by `createGemini`: routes from `@google/genai`'s
 * `src/gaos/funcs/environments-*.ts` (`POST|GET /{v}/environments`, `GET|DELETE
 * /{v}/environments/{id}`) and ai.google.dev/gemini-api/docs/agent-environment.
 *
 * @example
 * ```ts
 * const environments = createEnvironments(gemini);
 * const sandbox = await environments.create({ network: 'disabled' });
 * await createInteractions(gemini).create({ agent: 'code-reviewer', input: 'Go', environment: sandbox.id });
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createEnvironments(gemini: Gemini): AgentEnvironments {
  const send = resourceSender(gemini, 'createEnvironments');
  const { path, check, ...reads } = resourceReads<AgentEnvironment, AgentEnvironmentPage>(
    send,
    'environments',
    'an environment',
  );
  const environments: AgentEnvironments = {
    ...reads,
    async create(request = {}, options) {
      checkBody(request, 'request', "{ network: 'disabled' }");
      return send({
        method: 'environments.create',
        path: 'environments',
        httpMethod: 'POST',
        options,
        body: request,
        check,
      });
    },
    async fork(id, changes = {}, options) {
      path(id);
      checkBody(changes, 'changes', "{ network: 'disabled' }");
      const source = await environments.get(id, options);
      const request: Record<string, unknown> = {};
      if (source.sources !== undefined) request['sources'] = source.sources;
      if (source.network !== undefined) request['network'] = source.network;
      return environments.create({ ...request, ...changes }, options);
    },
  };
  return environments;
}
