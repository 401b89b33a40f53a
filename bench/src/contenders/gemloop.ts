import * as core from '@gemloop/core';
import { type Contender, ContenderUnavailableError, type StreamParser } from './contender.ts';

// gemloop's agent loop and client are being written in parallel; until they are exported these
// contenders report themselves unavailable (a skip in the tables, never a pass).
const exported = core as Record<string, unknown>;

function unavailable(what: string): Promise<never> {
  return Promise.reject(
    new ContenderUnavailableError(
      `@gemloop/core does not export ${what} yet (rebuild with tsc -b?)`,
    ),
  );
}

/** gemloop `agent.run`. */
export const gemloopRunContender: Contender = {
  name: 'gemloop.run',
  library: '@gemloop/core',
  streaming: false,
  description: 'createAgent + defineTool (zod), agent.run',
  createLoop: () =>
    unavailable(exported['createAgent'] === undefined ? 'createAgent' : 'the bench adapter'),
  createChat: () =>
    unavailable(exported['createAgent'] === undefined ? 'createAgent' : 'the bench adapter'),
};

/** gemloop `agent.stream`. */
export const gemloopStreamContender: Contender = {
  name: 'gemloop.stream',
  library: '@gemloop/core',
  streaming: true,
  description: 'createAgent + defineTool (zod), agent.stream, every event consumed',
  createLoop: () =>
    unavailable(exported['createAgent'] === undefined ? 'createAgent' : 'the bench adapter'),
};

/** gemloop's typed stream: `gemini.streamGenerateContent` over the body. */
export const gemloopParser: StreamParser = {
  name: 'gemloop (streamGenerateContent)',
  library: '@gemloop/core',
  create: () =>
    Promise.reject(new ContenderUnavailableError('@gemloop/core does not export createGemini yet')),
};
