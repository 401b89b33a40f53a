import { createSteering, SteeringError } from '@gemloop/core/steering';
import { describe, expect, it } from 'vitest';

// attack59: steer() and queue() promise a SteeringError (`empty-message`, `invalid-message`) for
// a message they cannot take. Parts whose reading throws (an ORM row's lazy getter, a Proxy) let
// the getter's own error out instead, its message with it (which may hold anything).

const boom = (): never => {
  throw new Error('lazy field failed: postgres://app:hunter2@db/app');
};

describe('steer() and queue() on parts whose reading throws', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a part whose text getter throws',
      () => [
        { text: 'a' },
        {
          get text() {
            return boom();
          },
        },
      ],
      'parts[1]',
    ],
    [
      'a part that is a Proxy whose every trap throws',
      () => [
        new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
      ],
      'parts[0]',
    ],
    [
      'a parts list that is a Proxy whose every trap throws',
      () => new Proxy([], { get: boom, has: boom, ownKeys: boom }),
      'parts[0]',
    ],
  ])('refuses %s with a SteeringError invalid-message', (_label, make, at) => {
    const steering = createSteering();
    for (const mode of ['steer', 'queue'] as const) {
      let error: unknown;
      try {
        steering[mode](make() as never);
      } catch (caught) {
        error = caught;
      }
      expect(SteeringError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'invalid-message' });
      expect((error as Error).message).toContain(`${mode}() got ${at} that could not be read`);
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(steering.pending).toBe(0);
  });

  it('still refuses an empty list and a part that is no object as empty-message', () => {
    const steering = createSteering();
    expect(() => steering.steer([])).toThrow(expect.objectContaining({ reason: 'empty-message' }));
    expect(() => steering.steer(['text'] as never)).toThrow(
      expect.objectContaining({ reason: 'empty-message' }),
    );
  });
});
