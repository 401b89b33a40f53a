// A third-party request-level plugin on gemloop's seam, with public imports only: it sends the
// agent's model requests to a second client (another base URL, another key: a gateway, a region,
// a canary) when `when` says so, and reports each request once it is over, streamed or unary.
// gemloop's own Interactions backend (`interactionsApi()`) plugs in at the same level.

import type { Gemini } from '@gemloop/core';
import {
  type AgentPlugin,
  definePlugin,
  type ModelCallEntry,
  type ModelCallInput,
  modelCallEntryOf,
} from '@gemloop/core/plugins';
import type { GenerateContentResponse } from '@gemloop/core/wire';

/** One request the plugin saw, reported once it is over. */
export type RoutedRequest = {
  /** `generate` for `agent.run()`, `stream` for `agent.stream()`. */
  kind: 'generate' | 'stream';
  /** Which client answered: the agent's own (`primary`) or the plugin's (`secondary`). */
  route: 'primary' | 'secondary';
  /** How many contents the request sent. */
  contents: number;
  /** Chunks read (a stream); 1 for a unary request. */
  chunks: number;
  /** Whether it failed (its error goes on to the agent as it is). */
  failed: boolean;
};

/** Options of {@link routeRequests}. */
export type RouteRequestsOptions = {
  /** The second client the requests go to. */
  to: Gemini;
  /** Which requests go to `to`; every one when left out. */
  when?: ((input: ModelCallInput) => boolean) | undefined;
  /** Told of each request once it is over (a stream: once its chunks were read). */
  onRequest?: ((request: RoutedRequest) => void) | undefined;
};

/**
 * Routes the agent's requests to a second client. Give it to each agent whose requests it routes
 * (a subagent's agent too): a request wrapper belongs to the agent it is given to.
 */
export function routeRequests(options: RouteRequestsOptions): AgentPlugin {
  const { to, when, onRequest } = options;
  return definePlugin({
    name: 'route-requests',
    wrapModelRequest: (next) => {
      // The second client's own entry: its retries, transport and redaction of its key.
      const secondary = modelCallEntryOf(to);
      const pick = (input: ModelCallInput): [RoutedRequest['route'], ModelCallEntry] =>
        when === undefined || when(input) ? ['secondary', secondary] : ['primary', next];
      const report = (
        kind: RoutedRequest['kind'],
        route: RoutedRequest['route'],
        input: ModelCallInput,
        chunks: number,
        failed: boolean,
      ): void => {
        const contents = input.request.contents;
        onRequest?.({
          kind,
          route,
          contents: typeof contents === 'string' ? 1 : contents.length,
          chunks,
          failed,
        });
      };
      return {
        async generate(input) {
          const [route, entry] = pick(input);
          try {
            const result = await entry.generate(input);
            report('generate', route, input, 1, false);
            return result;
          } catch (error) {
            report('generate', route, input, 0, true);
            throw error;
          }
        },
        stream(input) {
          const [route, entry] = pick(input);
          const { stream, record } = entry.stream(input);
          return {
            stream: counted(stream, (chunks, failed) =>
              report('stream', route, input, chunks, failed),
            ),
            record,
          };
        },
      };
    },
  });
}

/** `stream`, telling `done` how many chunks were read once it ends, fails or is left. */
async function* counted(
  stream: AsyncIterable<GenerateContentResponse>,
  done: (chunks: number, failed: boolean) => void,
): AsyncGenerator<GenerateContentResponse> {
  let chunks = 0;
  let failed = false;
  try {
    for await (const chunk of stream) {
      chunks++;
      yield chunk;
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    done(chunks, failed);
  }
}
