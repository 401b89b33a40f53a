import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { toPageMessage } from './to-page-message.ts';

// An emoji across a cut: `toPageMessage` cuts a run's error words at 1,000 UTF-16 code units and
// the client's errors quote 100 characters of an event's data and 300 of an error body, each cut
// by `slice`, which splits a surrogate pair. The page showed half an emoji (a lone surrogate, no
// character: a replacement glyph before the `...`), and the quote carried one into the logs.

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('a cut through an emoji', () => {
  it('toPageMessage cuts before the pair, never inside it', () => {
    const shown = toPageMessage({ name: 'Error', message: `${'a'.repeat(999)}😀 and more` });
    expect(LONE.test(shown)).toBe(false);
    expect(shown).toBe(`${'a'.repeat(999)}...`);
  });

  it.each([
    ['an event that is no JSON (100 characters quoted)', 99, 200],
    ['an error body (300 characters quoted)', 299, 500],
  ])('%s: the quote holds no half pair', async (_label, before, status) => {
    const data = `${'b'.repeat(before)}😀${'c'.repeat(400)}`;
    const fetch = async () =>
      status === 200
        ? new Response(`data: ${data}\n\n`, { headers: { 'content-type': 'text/event-stream' } })
        : new Response(data, { status });
    const error = await rejection(
      (async () => {
        for await (const _ of agentEvents('http://x/chat', {
          fetch: fetch as typeof globalThis.fetch,
        })) {
          // nothing
        }
      })(),
    );
    if (!ClientError.isInstance(error)) throw error;
    expect(error.message).toContain('b'.repeat(before));
    expect(LONE.test(error.message)).toBe(false);
  });
});
