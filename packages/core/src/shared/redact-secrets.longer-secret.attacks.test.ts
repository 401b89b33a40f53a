import { describe, expect, it } from 'vitest';
import { createSecretRedactor, redactSecrets } from './redact-secrets.ts';

// attack62c: a secret that holds a key's shape inside it, with more around it. The shapes were
// redacted first: the shape went, the secret no longer matched whole, and the rest of it stayed
// ("key [redacted]pq" for a 41-character `AIza…` gateway key).

const SHAPE = 'AIzaSyAttack62c-0123456789abcdefghijklm'; // 39 characters: Google's key shape
const LONGER = [
  `${SHAPE}pq`,
  `gw_${SHAPE}_tail-of-the-secret`,
  `ya29.${'a'.repeat(20)}.b64-part-two`,
];

describe('a secret longer than the key shape inside it (attack62c)', () => {
  it.each(LONGER)('redactSecrets leaves none of %s', (secret) => {
    const text = `upstream refused key ${secret} (quota)`;
    const redacted = redactSecrets(text, [secret]);
    expect(redacted).toBe('upstream refused key [redacted] (quota)');
  });

  it.each(LONGER)("createSecretRedactor's redactor leaves none of %s", (secret) => {
    const redact = createSecretRedactor([secret]);
    expect(redact(`Authorization: Bearer ${secret}.`)).toBe('Authorization: Bearer [redacted].');
  });

  it("a key's shape that is nobody's secret is still redacted", () => {
    expect(redactSecrets(`echoed ${SHAPE} here`, ['some-other-secret-value-0123'])).toBe(
      'echoed [redacted] here',
    );
  });
});
