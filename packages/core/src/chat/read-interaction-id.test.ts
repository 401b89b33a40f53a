import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { createInteractions } from '../interactions/create-interactions.ts';
import { readInteractionId } from './read-interaction-id.ts';

// An interaction id read back from storage (hostile bytes) is kept only when the API could have
// given it and it stays one path segment; the client refuses the same ids before it sends.

describe('readInteractionId', () => {
  it('keeps ids of the URL-safe characters, up to 512', () => {
    for (const id of ['v1_ChdxYWJj', 'a', 'a.b~c-d', 'x'.repeat(512), '...']) {
      expect(readInteractionId(id)).toBe(id);
    }
  });

  it('drops anything else: other characters, too long, not a string', () => {
    for (const value of [
      'a/b',
      'a?b',
      '',
      'x'.repeat(513),
      'é',
      42,
      null,
      undefined,
      { id: 'a' },
    ]) {
      expect(readInteractionId(value), String(value)).toBeUndefined();
    }
  });

  it("drops '.' and '..', which a URL resolves to the collection or the API root", () => {
    expect(readInteractionId('.')).toBeUndefined();
    expect(readInteractionId('..')).toBeUndefined();
  });
});

describe('the Interactions client refuses dot-segment ids before sending', () => {
  // Port 9 (discard): a request that got through would fail with a network error instead.
  const interactions = createInteractions(
    createGemini({ baseUrl: 'http://127.0.0.1:9', apiKey: 'test-key', retry: false }),
  );

  it.each(['.', '..'])('get, cancel and delete of %j throw an InvalidArgumentError', async (id) => {
    for (const call of [
      () => interactions.get(id),
      () => interactions.cancel(id),
      () => interactions.delete(id),
    ]) {
      await expect((async () => call())()).rejects.toMatchObject({
        code: 'invalid-argument',
        argument: 'id',
      });
    }
  });
});
