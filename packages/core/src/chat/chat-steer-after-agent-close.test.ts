// A chat session steered in the moment after `agent.close()` aborted its send in flight, before
// that send's run has ended (chat68's leftover, core2): the run is aborted from inside the agent,
// not by the send's signal, and the aborted send saves nothing, so a message it took would be
// lost without a word. `chat.steer()` and `chat.queue()` refuse it as they do after the send's
// own abort (`SteeringError` `run-ended`), unary and streamed; so does the stream's own handle.

import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { waitingTool } from '../agent/__fixtures__/waiting-tool.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { cleanUp, serve, thrownBy } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';

afterEach(cleanUp);

const model = 'gemini-2.5-flash';

describe.each(['send', 'sendStream'] as const)(
  'a chat %s whose agent is closed while its tool runs',
  (mode) => {
    it.each(['steer', 'queue'] as const)(
      'refuses %s() right after close(), before the run has ended, and saves nothing',
      async (steerMode) => {
        const { tool: wait, running } = waitingTool();
        const { gemini } = await serve({ script: [turn.call('wait', {})] });
        const agent = createAgent({ gemini, model, tools: [wait] });
        const chat = createChatSession({ agent });
        const stream = mode === 'sendStream' ? chat.sendStream('First.') : undefined;
        const first = stream === undefined ? chat.send('First.') : stream.result;
        const firstSettled = first.then(
          () => undefined,
          (error: unknown) => error,
        );
        await running;

        const closed = agent.close();
        const refused = thrownBy(() => chat[steerMode]('Also check the weather.'));
        const refusedByHandle =
          stream === undefined ? undefined : thrownBy(() => stream[steerMode]('And the news.'));

        expect(SteeringError.isInstance(refused)).toBe(true);
        expect(refused).toMatchObject({ reason: 'run-ended' });
        expect((refused as Error).message).toContain(`chat.${steerMode}()`);
        expect((refused as Error).message).toContain('agent.close()');
        expect((refused as Error).message).toContain('chat.send()');
        if (stream !== undefined) {
          expect(SteeringError.isInstance(refusedByHandle)).toBe(true);
          expect(refusedByHandle).toMatchObject({ reason: 'run-ended' });
        }
        expect(AgentAbortedError.isInstance(await firstSettled)).toBe(true);
        await closed;
        expect(await chat.history()).toEqual([]);
      },
    );
  },
);
