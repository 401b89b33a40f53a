import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../agent/create-agent.ts';
import { createAgent } from '../agent/create-agent.ts';
import { cleanUp, serve } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';

afterEach(cleanUp);

// Issue 27: the chat used to put its conversation id on the public run options under a
// symbol-keyed property, a door no signature showed. It now hands the id to the agent it made
// through the agent's internal turns (agent-turns.ts), beside the options, never in them.
describe('a chat turn passes the agent plain run options', () => {
  for (const streaming of [false, true]) {
    it(`carries no hidden key on what agent.${streaming ? 'stream' : 'run'} is given`, async () => {
      const { gemini } = await serve({ script: [turn.text('hello')] });
      const inner = createAgent({ gemini, model: 'gemini-3-flash-preview' });
      const seen: object[] = [];
      // A user's wrapper around an agent: it sees exactly what the chat passes.
      const agent: Agent = {
        model: inner.model,
        run: (input, options) => {
          seen.push(options ?? {});
          return inner.run(input, options);
        },
        stream: (input, options) => {
          seen.push(options ?? {});
          return inner.stream(input, options);
        },
        close: () => inner.close(),
        [Symbol.asyncDispose]: () => inner.close(),
      };
      const chat = createChatSession({ agent, id: 'session-1' });
      const result = streaming ? await chat.sendStream('Hi').result : await chat.send('Hi');
      expect(result.text).toBe('hello');
      expect(seen).toHaveLength(1);
      expect(Object.getOwnPropertySymbols(seen[0])).toEqual([]);
      // `steering` is a public run option (issue 32): the chat's steer()/queue() reach the run.
      expect(Object.keys(seen[0] as object).sort()).toEqual(['history', 'signal', 'steering']);
      expect(typeof (seen[0] as { steering: { steer: unknown } }).steering.steer).toBe('function');
    });
  }
});
