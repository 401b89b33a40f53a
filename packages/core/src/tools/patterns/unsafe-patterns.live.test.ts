import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { liveFixture, readUntil } from '../../live/__fixtures__/live-fixture.ts';
import { createLiveSession } from '../../live/create-live-session.ts';
import { defineTool } from '../define/define-tool.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

// A live session parses the model's arguments itself (no agent run awaits the pattern analysis
// for it): opening the session must await it, as a run's first step does. Defined just before the
// session opens, the analysis (a lazy import) is still loading when the first call comes.

describe('a live session with a tool whose schema has a pattern', () => {
  it('runs the tool when the pattern is safe, although the analysis was still loading', async () => {
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'send_mail', args: { to: 'ada@example.com' }, id: 'm1' }] }],
          [{ text: 'Sent.' }],
        ],
      },
      {
        tools: [
          defineTool({
            name: 'send_mail',
            description: 'Sends a mail.',
            // zod 4's e-mail format writes a `pattern`: the analysis runs for it.
            parameters: z.object({ to: z.email() }),
            execute: ({ to }) => ({ sent: to }),
          }),
        ],
      },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Mail Ada.');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events[1]).toEqual({
      type: 'tool-result',
      toolCallId: 'm1',
      toolName: 'send_mail',
      output: { sent: 'ada@example.com' },
      scheduling: undefined,
    });
    expect(fake.errors).toEqual([]);
  });

  it('refuses to open when a pattern can backtrack super-linearly: nothing is connected, nothing runs', async () => {
    let executed = 0;
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'lookup', args: { code: `${'a'.repeat(40)}!` }, id: 'l1' }] }],
        ],
      },
      {
        tools: [
          defineTool({
            name: 'lookup',
            description: 'Looks a code up.',
            parameters: z.object({ code: z.string().regex(/^(a+)+$/) }),
            execute: () => {
              executed += 1;
              return {};
            },
          }),
        ],
      },
    );
    const failure = await createLiveSession(agent).then(
      async (session) => {
        await session.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UnsafePatternError);
    expect(failure).toMatchObject({ toolName: 'lookup', path: 'properties.code.pattern' });
    expect(fake.connections).toEqual([]);
    expect(executed).toBe(0);
  });
});
