import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub-secrets.ts';

// A media part's base64 keeps what random bytes encode to, a key's shape included (media55b: a
// recorded 5 MB photo came out about one time in seven 29 characters short, a replay sending
// another image); text keeps losing it, and a secret's own text goes everywhere.

const KEY = 'AIzaScrubMediaTest-0123456789';
/** Base64 that happens to hold a Google key's shape (`AIza` and 35 word characters). */
const SHAPED = `iVBORw0KGgo${'AIza'}${'Q'.repeat(35)}AAAA`;
const OTHER_KEY_TEXT = `AIza${'B'.repeat(35)}`;

describe('scrubSecrets and a media part', () => {
  it("keeps an inlineData part's base64 byte-exact when it holds a key's shape by chance", () => {
    const step = {
      contents: [
        { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: SHAPED } }] },
      ],
    };
    const scrubbed = scrubSecrets(step, [KEY]);
    expect(scrubbed).toBe(step);
    expect(scrubbed.contents[0]?.parts[0]?.inlineData.data).toBe(SHAPED);
  });

  it("still takes a key's shape out of text beside it, and the data's copy keeps its bytes", () => {
    const step = {
      parts: [
        { text: `a tool quoted ${OTHER_KEY_TEXT}` },
        { inlineData: { mimeType: 'image/png', data: SHAPED } },
      ],
    };
    const scrubbed = scrubSecrets(step, [KEY]);
    expect(scrubbed.parts[0]?.text).toBe('a tool quoted [redacted]');
    expect(scrubbed.parts[1]?.inlineData?.data).toBe(SHAPED);
  });

  it("takes the client's own key out of a media part's data too", () => {
    const step = { inlineData: { mimeType: 'text/plain', data: `QUJD${KEY}QUJD` } };
    expect(scrubSecrets(step, [KEY]).inlineData.data).toBe('QUJD[redacted]QUJD');
  });

  it("takes a key's shape out of a field named data that is not a media part's", () => {
    const error = { data: `the body was ${OTHER_KEY_TEXT}` };
    expect(scrubSecrets(error, [KEY]).data).toBe('the body was [redacted]');
  });
});
