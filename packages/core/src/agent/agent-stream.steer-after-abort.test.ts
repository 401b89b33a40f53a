// A stream steered in the moment after its signal aborted, before its run has ended (chat68): the
// aborted run takes no more steps, so a message it took would be lost without a word. The
// stream's `steer()` and `queue()` refuse it (`SteeringError` `run-ended`), as they do once the
// reader has broken out: an agent's stream and a chat session's `sendStream` handle alike.

import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createChatSession } from '../chat/create-chat-session.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { useFakeGemini } from './__fixtures__/use-fake-gemini.ts';
import { waitingTool } from './__fixtures__/waiting-tool.ts';
import type { AgentStream } from './agent-stream.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';

const serve = useFakeGemini();
const model = 'gemini-2.5-flash';

describe.each(['agent.stream', 'chat.sendStream'] as const)(
  '%s aborted while its tool runs',
  (kind) => {
    it.each(['steer', 'queue'] as const)('refuses %s() right after the abort', async (mode) => {
      const { tool, running } = waitingTool();
      const { gemini } = await serve({ script: [turn.call('wait', {}), turn.text('never sent')] });
      const agent = createAgent({ gemini, model, tools: [tool] });
      const controller = new AbortController();
      const stream: Pick<AgentStream, 'steer' | 'queue' | 'result'> =
        kind === 'agent.stream'
          ? agent.stream('Go.', { signal: controller.signal })
          : createChatSession({ agent }).sendStream('Go.', { signal: controller.signal });
      const settled = stream.result.then(
        () => undefined,
        (error: unknown) => error,
      );
      await running;

      controller.abort(new Error('the user pressed stop'));
      let refused: unknown;
      try {
        stream[mode]('Also check the weather.');
      } catch (error) {
        refused = error;
      }

      expect(SteeringError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ reason: 'run-ended' });
      expect(AgentAbortedError.isInstance(await settled)).toBe(true);
    });
  },
);
