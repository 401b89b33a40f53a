// A chat session steered in the moment after its send in flight was aborted, before that send's
// run has ended (chat68): the aborted send saves nothing, so a message it took would be lost
// without a word. `chat.steer()` and `chat.queue()` refuse it instead (`SteeringError`
// `run-ended`, naming the fix: send it), unary and streamed, and the next send runs as usual.

import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { waitingTool } from '../agent/__fixtures__/waiting-tool.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { cleanUp, sentContents, serve, thrownBy } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';

afterEach(cleanUp);

const model = 'gemini-2.5-flash';

describe.each(['send', 'sendStream'] as const)('a chat %s aborted while its tool runs', (mode) => {
  it.each(['steer', 'queue'] as const)(
    'refuses %s() right after the abort, saving nothing of it, and the next send goes on',
    async (steerMode) => {
      const { tool: wait, running: started } = waitingTool();
      const { fake, gemini } = await serve({
        script: [turn.call('wait', {}), turn.text('The second answer.')],
      });
      const chat = createChatSession({ agent: createAgent({ gemini, model, tools: [wait] }) });
      const controller = new AbortController();
      const first =
        mode === 'send'
          ? chat.send('First.', { signal: controller.signal })
          : chat.sendStream('First.', { signal: controller.signal }).result;
      const firstSettled = first.then(
        () => undefined,
        (error: unknown) => error,
      );
      await started;

      controller.abort(new Error('the user pressed stop'));
      const refused = thrownBy(() => chat[steerMode]('Also check the weather.'));

      expect(SteeringError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ reason: 'run-ended' });
      expect((refused as Error).message).toContain(`chat.${steerMode}()`);
      expect((refused as Error).message).toContain('aborted');
      expect((refused as Error).message).toContain('chat.send()');
      expect(AgentAbortedError.isInstance(await firstSettled)).toBe(true);

      const second = await chat.send('Second.');
      expect(second.text).toBe('The second answer.');
      expect(sentContents(fake, 1)).toEqual([{ role: 'user', parts: [{ text: 'Second.' }] }]);
      expect((await chat.history()).map((content) => content.parts[0]?.text)).toEqual([
        'Second.',
        'The second answer.',
      ]);
    },
  );
});
