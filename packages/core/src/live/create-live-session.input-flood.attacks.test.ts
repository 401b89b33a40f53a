import { describe, expect, it } from 'vitest';
import { guardrails } from '../guardrails/guardrails.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LiveSessionError } from './live-session-error.ts';

// What a careless page does to a live session whose input guardrail is slow or hung: it keeps
// sending (texts, a microphone's audio). What waits behind the check must stay in order and
// bounded: past `maxBufferedBytes` the session ends with `buffer-full`, as every other buffer of
// the session does, instead of holding a hung check's backlog until the process runs out.

describe('sending into a live session while an input guardrail checks', () => {
  it('a hung input guardrail with audio flooding in ends the session with buffer-full', {
    timeout: 60_000,
  }, async () => {
    const { agent } = await liveFixture(
      { script: [[{ text: 'never' }]] },
      {
        guardrails: guardrails({
          input: [
            {
              name: 'hangs',
              // Hung until the session's signal ends it (no timeoutMs: the default waits).
              check: (_, { signal }) =>
                new Promise((resolve) =>
                  signal.addEventListener('abort', () => resolve(undefined)),
                ),
            },
          ],
        }),
      },
    );
    const session = await createLiveSession(agent, { maxBufferedBytes: 256 * 1024 });
    session.sendText('hello');
    const chunk = new Uint8Array(4096);
    let sent = 0;
    let thrown: unknown;
    // 4 MiB of microphone audio at most, 16 times the bound: it must end long before.
    try {
      for (; sent < 1024; sent += 1) session.sendAudio(chunk);
    } catch (error) {
      thrown = error;
    }
    const error = await session.closed.then(
      () => undefined,
      (closedWith: unknown) => closedWith,
    );
    expect(error).toBeInstanceOf(LiveSessionError);
    expect(error).toMatchObject({ reason: 'buffer-full', limit: 256 * 1024 });
    expect((error as Error).message).toMatch(/input guardrail/);
    // It ended at the bound, and what came after was refused as sent on an ended session.
    expect(sent).toBeLessThan(1024);
    expect(thrown).toMatchObject({ reason: 'closed' });
  });

  it('many tiny texts behind a hung guardrail count too (each its own waiting send)', {
    timeout: 60_000,
  }, async () => {
    const { agent } = await liveFixture(
      { script: [[{ text: 'never' }]] },
      {
        guardrails: guardrails({
          input: [
            {
              name: 'hangs',
              check: (_, { signal }) =>
                new Promise((resolve) =>
                  signal.addEventListener('abort', () => resolve(undefined)),
                ),
            },
          ],
        }),
      },
    );
    const session = await createLiveSession(agent, { maxBufferedBytes: 64 * 1024 });
    let sent = 0;
    try {
      for (; sent < 100_000; sent += 1) session.sendText('a');
    } catch {
      // Ended: sending on it throws `closed`.
    }
    await expect(session.closed).rejects.toMatchObject({ reason: 'buffer-full' });
    expect(sent).toBeLessThan(100_000);
  });

  it('a slow guardrail and 200 texts with audio between them: all sent, in order, none lost', {
    timeout: 60_000,
  }, async () => {
    const { fake, agent } = await liveFixture(
      // One model turn for each text.
      { script: Array.from({ length: 200 }, () => [{ text: 'ok' }]) },
      {
        guardrails: guardrails({
          input: [
            {
              name: 'slow',
              check: async () => {
                await new Promise((resolve) => setTimeout(resolve, 1));
                return undefined;
              },
            },
          ],
        }),
      },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    for (let index = 0; index < 200; index += 1) {
      session.sendText(`t${index}`);
      session.sendAudio(new Uint8Array([index % 256, 0]));
    }
    await readUntil(iterator, (event) => event.type === 'turn-end');
    // Everything reached the server once the last check is done.
    const expected = Array.from({ length: 200 }, (_, index) => [
      `t${index}`,
      Buffer.from([index % 256, 0]).toString('base64'),
    ]).flat();
    for (;;) {
      const seen = messagesOf(fake, 0, 'realtimeInput').map((message) => {
        const input = message['realtimeInput'] as { text?: string; audio?: { data: string } };
        return input.text ?? input.audio?.data;
      });
      if (seen.length >= expected.length) {
        expect(seen).toEqual(expected);
        expect(fake.errors).toEqual([]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
