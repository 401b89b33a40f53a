// attack57b: since attack57, a Live call's args that are no object reach the tool's schema as they
// came; a relay's JSON text then reached the typed error of `toolErrors: 'throw'` with a secret
// argument in it, where the redactor's paths found no key. Failed before its fix.
import { expect, it } from 'vitest';
import { z } from 'zod';
import { ToolInputError } from '../agent/errors/tool-input-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, responsesOf } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

it("a secret argument in args sent as JSON text stays out of the session's ToolInputError", async () => {
  const login = defineTool({
    name: 'login',
    description: 'Logs in.',
    parameters: z.object({ user: z.string(), password: z.string() }),
    secretArguments: ['password'],
    execute: async () => ({ ok: true }),
  });
  const args = '{"user":"ada","password":"hunter2"}';
  const { fake, agent } = await liveFixture(
    {
      script: [
        [{ frame: { toolCall: { functionCalls: [{ name: 'login', id: 'p1', args }] } } }],
        [{ text: 'never' }],
      ],
    },
    { tools: [login], toolErrors: 'throw' },
  );
  const session = await createLiveSession(agent);
  session.sendText('log in');
  const error = await session.closed.catch((thrown: unknown) => thrown);
  expect(ToolInputError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ toolName: 'login', toolCallId: 'p1', args: '[redacted]' });
  expect(JSON.stringify(error)).not.toContain('hunter2');
  // Refused as a run refuses it, and answered first.
  await expect.poll(() => responsesOf(fake).length).toBe(1);
});
