import { describe, expect, it } from 'vitest';
import { heldTool } from './__fixtures__/held-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent, LiveToolScheduling } from './live-event.ts';

const texts = (events: LiveEvent[]) =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));

/**
 * A background answer and a resumption across a drop: the answer reaches the server once, for
 * every scheduling. The fake sends a handle right after a SILENT answer (no turn follows it), and
 * after the turn a WHEN_IDLE or INTERRUPT answer starts; a drop after that handle resumes from it.
 */
describe('background answers across a resumption', () => {
  it.each<LiveToolScheduling>(['SILENT', 'WHEN_IDLE', 'INTERRUPT'])(
    'a %s answer a handle holds is not sent again after a drop',
    async (scheduling) => {
      const held = heldTool(scheduling);
      const reaction = scheduling === 'SILENT' ? [] : [[{ text: 'Results!' }]];
      const { fake, agent } = await liveFixture(
        {
          script: [
            [{ toolCalls: [{ name: 'slow_search', id: 's1' }] }, { text: 'Searching.' }],
            ...reaction,
            [{ drop: true }, { text: 'Next.' }],
          ],
        },
        { tools: [held.tool] },
      );
      const updates: { handle: string; heldCallIds: readonly string[] }[] = [];
      await using session = await createLiveSession(agent, {
        onHandle: (update) => updates.push(update),
      });
      const iterator = session[Symbol.asyncIterator]();
      const events: LiveEvent[] = [];
      session.sendText('search');
      events.push(...(await readUntil(iterator, (event) => event.type === 'turn-end')));
      await held.started;
      // One handle at the setup, one after the first turn.
      await expect.poll(() => updates.length, { timeout: 60_000 }).toBe(2);
      held.release({ hits: 1 });
      events.push(...(await readUntil(iterator, (event) => event.type === 'tool-result')));
      if (scheduling !== 'SILENT') {
        events.push(...(await readUntil(iterator, (event) => event.type === 'turn-end')));
      }
      // The handle after the answer (the fake takes it once the answer is in its state).
      await expect.poll(() => updates.length, { timeout: 60_000 }).toBe(3);
      session.sendText('next?');
      const after = await readUntil(iterator, (event) => event.type === 'turn-end');
      events.push(...after);
      expect(fake.errors).toEqual([]);
      expect(after).toContainEqual(
        expect.objectContaining({ type: 'reconnect', reason: 'dropped' }),
      );
      expect(texts(after)).toEqual(['Next.']);
      expect(fake.connections[1]?.resumedHandle).toBe(updates[2]?.handle);
      expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
        {
          toolResponse: {
            functionResponses: [
              { id: 's1', name: 'slow_search', response: { hits: 1 }, scheduling },
            ],
          },
        },
      ]);
      expect(messagesOf(fake, 1, 'toolResponse')).toEqual([]);
      expect(events.filter((event) => event.type === 'tool-result')).toHaveLength(1);
      // Reported held once (to a durable store, say), by the handle that holds it.
      expect(updates[2]?.heldCallIds).toEqual(['s1']);
      expect(updates.flatMap((update) => update.heldCallIds)).toEqual(['s1']);
    },
  );

  it('a SILENT answer no handle holds yet is sent again, once, after each of two drops', async () => {
    const held = heldTool('SILENT');
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'slow_search', id: 's1' }] }, { text: 'Searching.' }],
          [{ text: 'Hm.' }, { awaitInterruption: true }],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [held.tool] },
    );
    const updates: { handle: string; heldCallIds: readonly string[] }[] = [];
    await using session = await createLiveSession(agent, {
      onHandle: (update) => updates.push(update),
    });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    await held.started;
    session.sendText('still there?');
    await readUntil(iterator, (event) => event.type === 'text-delta');
    // The model is speaking: the fake takes no handle, so the last one predates the answer.
    held.release({ hits: 1 });
    await expect
      .poll(() => messagesOf(fake, 0, 'toolResponse').length, { timeout: 60_000 })
      .toBe(1);
    fake.dropAll();
    await readUntil(iterator, (event) => event.type === 'reconnect');
    await expect
      .poll(() => messagesOf(fake, 1, 'toolResponse').length, { timeout: 60_000 })
      .toBe(1);
    // The resumed connection's first handle came before the answer was sent again on it: it does
    // not hold the answer, so a second drop sends it once more.
    await expect.poll(() => fake.connections[1]?.messages.length, { timeout: 60_000 }).toBe(2);
    fake.dropAll();
    await readUntil(iterator, (event) => event.type === 'reconnect');
    await expect
      .poll(() => messagesOf(fake, 2, 'toolResponse').length, { timeout: 60_000 })
      .toBe(1);
    expect(updates.flatMap((update) => update.heldCallIds)).toEqual([]);
    session.sendText('ok');
    const events = await readUntil(
      iterator,
      (event) => event.type === 'text-delta' && event.text === 'Done.',
    );
    expect(events.map((event) => event.type)).toContain('interrupted');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(fake.errors).toEqual([]);
    expect(fake.connections.map((connection) => connection.resumedHandle)).toEqual([
      undefined,
      updates[1]?.handle,
      // The resumed connection's own handle (taken at its setup: the same state).
      updates[2]?.handle,
    ]);
    // The handle after the last turn (the answer came before it) holds the answer, once.
    await expect
      .poll(() => updates.flatMap((update) => update.heldCallIds), { timeout: 60_000 })
      .toEqual(['s1']);
  });
});
