import type { Gemini } from '../http/gemini.ts';
import type { AgentEnvironment, AgentEnvironmentPage, AgentEnvironments } from './environments.ts';
import {
  callOptionsOf,
  checkBody,
  checkResourceId,
  pageCheck,
  resourceCheck,
  resourceSender,
  toListQuery,
} from './resource-requests.ts';

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
  const check = resourceCheck<AgentEnvironment>('an environment');
  const path = (id: unknown) => `environments/${checkResourceId(id, 'id', 'an environment')}`;
  const environments: AgentEnvironments = {
    create(request = {}, options) {
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
    get: (id, options) =>
      send({ method: 'environments.get', path: path(id), httpMethod: 'GET', options, check }),
    list: (options) =>
      send({
        method: 'environments.list',
        path: `environments${toListQuery(options)}`,
        httpMethod: 'GET',
        options: callOptionsOf(options),
        check: pageCheck<AgentEnvironmentPage>('environments'),
      }),
    async delete(id, options) {
      await send({
        method: 'environments.delete',
        path: path(id),
        httpMethod: 'DELETE',
        options,
        check: () => undefined,
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
