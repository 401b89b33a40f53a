import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';

// A body JSON cannot write: a conversation object that refers to itself (a page's state with a
// parent link), a count held as a BigInt. `JSON.stringify` threw its own TypeError out of
// agentEvents, streamAgent and the answers, where their TSDoc promises a `ClientError` for an
// option they cannot use: a page switching on `code` got none, `toPageMessage` said only
// "Something went wrong", and nothing named the body.

const cyclic: Record<string, unknown> = { message: 'Hi' };
cyclic['conversation'] = { parent: cyclic };

function countingFetch(): { fetch: typeof globalThis.fetch; calls: () => number } {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    return new Response(null, { status: 204 });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls: () => calls };
}

async function refused(run: Promise<unknown>, option: string): Promise<void> {
  const error = await rejection(run);
  expect(ClientError.isInstance(error) && [error.code, error.option]).toEqual([
    'invalid-option',
    option,
  ]);
  expect((error as Error).message).toMatch(/JSON/);
}

describe('a body JSON cannot write', () => {
  it.each([
    ['a cycle', cyclic],
    ['a BigInt', { message: 'Hi', count: 10n }],
  ])('%s: invalid-option naming body, no request', async (_label, body) => {
    const { fetch, calls } = countingFetch();
    await refused(
      (async () => {
        for await (const _ of agentEvents('http://x/chat', { fetch, body })) {
          // nothing
        }
      })(),
      'body',
    );
    await refused(streamAgent('http://x/chat', { fetch, body }), 'body');
    expect(calls()).toBe(0);
  });

  it('an elicitation answer whose content holds a BigInt: invalid-option naming answer', async () => {
    const { fetch, calls } = countingFetch();
    await refused(
      answerElicitation(
        'http://x/elicitations',
        { id: 'q', action: 'accept', content: { size: 3n as unknown as number } },
        { fetch },
      ),
      'answer',
    );
    expect(calls()).toBe(0);
  });
});
