// attack57: a Live session's tool results and the server's ids against what a run does with them.
// Each case failed before its fix (bench/RESULTS.md, attack57).
import { describe, expect, it } from 'vitest';
import { defineTool } from '../tools/define/define-tool.ts';
import { TRUNCATED_RESULT_KEY } from '../tools/responses/cut-function-response.ts';
import { liveFixture, readUntil, responsesOf } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

const quick = defineTool({
  name: 'quick',
  description: 'Answers at once.',
  execute: async () => ({ ok: true }),
});

describe('a Live tool result, capped as a run caps it', () => {
  const dump = (size: number) =>
    defineTool({
      name: 'dump_log',
      description: 'Returns the whole log.',
      execute: () => ({ log: 'x'.repeat(size) }),
    });

  it('a 5 MB result reaches the model cut and marked, the id kept; the event keeps it whole', async () => {
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'dump_log', id: 'd1' }] }], [{ text: 'Too long.' }]] },
      { tools: [dump(5 * 1024 * 1024)] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Dump it');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    const [sent] = responsesOf(fake) as { id: string; response: Record<string, string> }[];
    // Before: 5,242,890 characters to the server. The Live window (131,072 here) caps at a tenth.
    expect(sent?.id).toBe('d1');
    expect(JSON.stringify(sent).length).toBeLessThan(60_000);
    expect(sent?.response[TRUNCATED_RESULT_KEY]).toMatch(
      /truncated: kept \d+ of 5242890 characters/,
    );
    const result = events.find((event) => event.type === 'tool-result') as {
      output: { log: string };
    };
    expect(result.output.log).toHaveLength(5 * 1024 * 1024);
  });

  it('toolOutput: false sends it whole, as in a run', async () => {
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'dump_log', id: 'd1' }] }], [{ text: 'Read it.' }]] },
      { tools: [dump(300_000)], toolOutput: false },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Dump it');
    await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(responsesOf(fake)).toEqual([
      { id: 'd1', name: 'dump_log', response: { log: 'x'.repeat(300_000) } },
    ]);
  });
});

describe('a Live tool result that cannot be JSON', () => {
  it('a cycle is the tool failure the model is told of, the session goes on (blocking and background)', async () => {
    const cyclic = (): Record<string, unknown> => {
      const value: Record<string, unknown> = { a: 1 };
      value['self'] = value;
      return value;
    };
    const loop = defineTool({ name: 'loop', description: 'Loops.', execute: cyclic });
    const later = defineTool({
      name: 'later',
      description: 'Loops later.',
      behavior: 'NON_BLOCKING',
      execute: cyclic,
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'later', id: 'b1' }] },
            { toolCalls: [{ name: 'loop', id: 'l1' }] },
          ],
          [{ text: 'It failed.' }],
          [{ text: 'That one too.' }],
        ],
      },
      { tools: [loop, later] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    // Before: the answer threw out of the runner, an unhandled rejection (Vitest fails the file
    // on it; Node's default ends the process), and neither call was ever answered.
    await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    await expect.poll(() => responsesOf(fake).length).toBe(2);
    const message =
      'returned a value that cannot be sent to Gemini: result.self is not JSON: a circular reference (an object that contains itself) is not JSON.';
    const byId = Object.fromEntries(
      responsesOf(fake).map((response) => [response['id'], response['response']]),
    );
    expect(byId['l1']).toEqual({ error: `loop failed: Tool "loop" ${message}` });
    expect(byId['b1']).toEqual({ error: `later failed: Tool "later" ${message}` });
  });

  it('a toJSON that throws the key: the model and the events get its words without the key', async () => {
    const KEY = 'AIzaLiveToJson57-0123456789abcdefghijkl';
    const leaky = defineTool({
      name: 'leaky',
      description: 'Leaks.',
      execute: () => ({
        toJSON() {
          throw new Error(`serializer saw ${KEY}`);
        },
      }),
    });
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'leaky', id: 'k1' }] }], [{ text: 'Sorry.' }]] },
      { tools: [leaky] },
      KEY,
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    const error = events.find((event) => event.type === 'tool-error') as { message: string };
    expect(error.message).toContain('serializer saw [redacted]');
    expect(JSON.stringify(events)).not.toContain(KEY);
    expect(JSON.stringify(responsesOf(fake))).not.toContain(KEY);
    expect(responsesOf(fake)).toEqual([
      { id: 'k1', name: 'leaky', response: { error: error.message } },
    ]);
  });
});

describe("a call id of the server's in the session's own words", () => {
  it('a 2 MB id is cut where the session quotes it: the approval failure, the duplicate refusal', async () => {
    const id = `id-${'x'.repeat(2 * 1024 * 1024)}`;
    const { agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'quick', id }] }], [{ text: 'ok' }]] },
      {
        tools: [quick],
        beforeToolCall: () => {
          throw new Error('approvals are down');
        },
      },
    );
    const session = await createLiveSession(agent);
    session.sendText('go');
    const error = (await session.closed.catch((thrown: unknown) => thrown)) as Error;
    // Before: the whole id, twice the message's 2 MB (it is the session's error, logged by apps).
    expect(error.message).toContain('approvals are down');
    expect(error.message.length).toBeLessThan(1_000);

    // The same id twice in one frame while the first runs: the refusal quotes it cut.
    let release = (): void => {};
    const slow = defineTool({
      name: 'slow',
      description: 'Waits.',
      execute: () =>
        new Promise<{ ok: true }>((resolve) => {
          release = () => resolve({ ok: true });
        }),
    });
    const second = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'slow', id },
                { name: 'slow', id },
              ],
            },
          ],
          [{ text: 'ok' }],
        ],
      },
      { tools: [slow] },
    );
    await using twice = await createLiveSession(second.agent);
    twice.sendText('go');
    const events = twice[Symbol.asyncIterator]();
    const refused = await readUntil(events, (event) => event.type === 'tool-error');
    release();
    const refusal = refused.at(-1) as { message: string };
    expect(refusal.message.startsWith('Not run: a call with id id-xxx')).toBe(true);
    expect(refusal.message.endsWith('is already running.')).toBe(true);
    expect(refusal.message.length).toBeLessThan(1_000);
  });
});
