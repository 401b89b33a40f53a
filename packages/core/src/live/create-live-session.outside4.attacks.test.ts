import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';

// A hostile Live server, the attacks the earlier passes did not try (attack-outside4).

describe('a hostile Live server (attack-outside4)', () => {
  it('tool calls named constructor, __proto__, toString and hasOwnProperty are unknown tools, answered once each', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: names.map((name, index) => ({ id: `c${index}`, name, args: {} })) }],
          [{ text: 'done' }],
        ],
      },
      {
        tools: [
          defineTool({
            name: 'get_time',
            description: 'The time.',
            parameters: z.object({}),
            execute: async () => 'noon',
          }),
        ],
      },
    );
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const iterator = session[Symbol.asyncIterator]();
    const errors: LiveEvent[] = [];
    while (errors.length < names.length) {
      const events = await readUntil(iterator, (event) => event.type === 'tool-error');
      errors.push(...events.filter((event) => event.type === 'tool-error'));
    }
    expect(errors.map((event) => (event as { outcome?: string }).outcome)).toEqual(
      names.map(() => 'unknown-tool'),
    );
    await expect
      .poll(
        () =>
          messagesOf(fake, 0, 'toolResponse').flatMap(
            (message) =>
              (message['toolResponse'] as { functionResponses: { id: string }[] })
                .functionResponses,
          ).length,
      )
      .toBe(names.length);
    expect(fake.errors).toEqual([]);
  });

  it('a 10 MB resumption handle reaches no event, and the session goes on', async () => {
    const handle = `h${'x'.repeat(10 * 1024 * 1024)}`;
    const { agent } = await liveFixture({
      script: [
        [
          { frame: { sessionResumptionUpdate: { newHandle: handle, resumable: true } } },
          { text: 'after the handle' },
        ],
      ],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.some((event) => JSON.stringify(event).includes('xxxxxxxxxx'))).toBe(false);
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'after the handle' },
    ]);
  });
});
