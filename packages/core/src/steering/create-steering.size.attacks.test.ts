// leftovers73: a 50 MB steering message was taken: it joined the history at the next boundary
// and went out with every later model call, past Google's 20 MB request rule (a 400 naming no
// steer, every step after). Now `steer()`/`queue()` refuse a message over `maxMessageBytes` of
// JSON (20,000,000 by default) with a `SteeringError` naming the limit and the option, where the
// caller can still send a file reference instead; `receive()` skips one as it skips a malformed
// message. Measured as `runs.steer()` measures a durable one (UTF-8 bytes of its JSON).
import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { createSteering, DEFAULT_MAX_STEER_BYTES, SteeringError } from '@gemloop/core/steering';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function refusal(run: () => unknown): SteeringError {
  try {
    run();
  } catch (error) {
    if (SteeringError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SteeringError');
}

describe('the size of a steering message (leftovers73)', () => {
  it('refuses a 50 MB text by default, naming the limit and the option; nothing waits', () => {
    const steering = createSteering();
    const error = refusal(() => steering.steer('x'.repeat(50_000_000)));
    expect(DEFAULT_MAX_STEER_BYTES).toBe(20_000_000);
    expect(error).toMatchObject({ reason: 'too-large', maxMessageBytes: 20_000_000 });
    expect(error.message).toContain('50000002 bytes of JSON, over the 20000000');
    expect(error.message).toContain('maxMessageBytes');
    expect(error.message.length).toBeLessThan(400);
    expect(steering.pending).toBe(0);
  });

  it('counts UTF-8 bytes and inline data, and takes a message at the limit', () => {
    const steering = createSteering({ maxMessageBytes: 1_000 });
    // 400 characters of 3 bytes each: 1,202 bytes of JSON with its quotes.
    expect(refusal(() => steering.queue('€'.repeat(400))).reason).toBe('too-large');
    const data = 'A'.repeat(2_000);
    const image = [{ text: 'Look:' }, { inlineData: { mimeType: 'image/png', data } }];
    expect(refusal(() => steering.steer(image)).maxMessageBytes).toBe(1_000);
    steering.steer('y'.repeat(998));
    expect(steering.pending).toBe(1);
  });

  it('checks the option like the others', () => {
    for (const maxMessageBytes of [0, 1.5, -1, 100_000_001, Number.NaN]) {
      expect(() => createSteering({ maxMessageBytes })).toThrow(InvalidArgumentError);
    }
  });

  it('skips a message over the limit that receive() brings, and the run goes on', async () => {
    const fake = createFakeGemini({ script: [turn.text('One.')] });
    fakes.push(fake);
    const { url } = await fake.listen();
    let asked = 0;
    const steering = createSteering({
      maxMessageBytes: 100,
      receive: () => (asked++ === 0 ? [{ message: 'z'.repeat(500) }, { message: 'small' }] : []),
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
    });
    const result = await agent.run('Go', { steering });
    expect(result.text).toBe('One.');
    const sent = JSON.stringify(fake.modelRequests[0]?.body);
    expect(sent).toContain('small');
    expect(sent).not.toContain('z'.repeat(500));
  });
});
