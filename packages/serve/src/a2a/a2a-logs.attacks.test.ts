import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';
import { EXECUTOR_FAILED } from './tasks/quiet-task-store.ts';

// What the A2A SDK writes to the console from our door: `console.error` with the error our
// executor's `execute` rejects with ("Agent execution failed for message ...", with its stack),
// and that error's message in the failed task the client reads. An error of the user's (here a
// tracer provider whose exporter names its collector with a password) must reach neither.
const SECRET = 'https://otel:s3cr3t-pw@collector.internal:4318';

function captureConsole(): string[] {
  const logged: string[] = [];
  const keep = (...args: unknown[]) => {
    logged.push(
      args
        .map((each) =>
          each instanceof Error ? `${each.stack} ${String(each.cause ?? '')}` : String(each),
        )
        .join(' '),
    );
  };
  for (const level of ['error', 'warn', 'log', 'info', 'debug'] as const) {
    const spy = vi.spyOn(console, level).mockImplementation(keep);
    onTestFinished(() => spy.mockRestore());
  }
  return logged;
}

function failingTracerProvider() {
  return {
    getTracer: () => ({
      startActiveSpan: () => {
        throw new Error(`span export to ${SECRET} failed`);
      },
    }),
  };
}

describe('what the A2A SDK logs from the door', () => {
  // A run whose start throws (this tracer) once made the executor reject, so the SDK logged it and
  // failed the task in its own words around EXECUTOR_FAILED; since doors67 the door fails the task
  // itself, as any failed run, and the SDK has nothing to log. `quietExecutor`, for whatever else
  // makes `execute` reject, is tested on its own (quiet-task-store.test.ts).
  it.each(['SendMessage', 'SendStreamingMessage'])(
    'a run whose start throws (%s): fixed words in the task, nothing logged, onError gets the error once',
    async (method) => {
      const logged = captureConsole();
      const { post, errors, client } = await serveA2A([turn.text('Hi.')], {
        handler: { tracerProvider: failingTracerProvider() as never },
      });
      let told: string;
      if (method === 'SendMessage') {
        const reply = await post(
          `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"text":"Hi."}]}}}`,
        );
        told = await reply.text();
      } else {
        const alice = await client('alice');
        const parts: string[] = [];
        try {
          for await (const event of alice.sendMessageStream(userMessage('Hi.') as never)) {
            parts.push(JSON.stringify(event));
          }
        } catch (error) {
          parts.push(String((error as Error).message));
        }
        told = parts.join('\n');
      }
      // A log of the SDK's would be written by the reply; a tick more, for one written after.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(told).not.toContain('s3cr3t');
      expect(told).not.toContain('collector.internal');
      expect(told).toContain('The run failed.');
      expect(told).toContain('run_failed');
      expect(told).not.toContain(EXECUTOR_FAILED);
      expect(logged.join('\n')).not.toContain('s3cr3t');
      expect(logged.join('\n')).not.toContain('collector.internal');
      expect(logged.join('\n')).not.toContain('Agent execution failed');
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as Error).message)).toContain('span export');
    },
  );
});

describe('what a caller can make the A2A SDK log (attack-doors7)', () => {
  // The SDK loads each of a message's `referenceTaskIds` and, for one it does not find (another
  // caller's, or none), writes `console.warn(`Reference task ${refId} not found.`)`
  // (@a2a-js/sdk server, DefaultRequestHandler): a caller's own text on the server's terminal.
  it('a message naming tasks by ids with terminal escapes and line ends, or 10,000 of them, is refused before the SDK logs anything of them', async () => {
    const logged = captureConsole();
    const { post, fake } = await serveA2A([turn.text('Hi.'), turn.text('Hi.')]);
    for (const ids of [
      ['\u001b[2J\u001b[31mFATAL\u001b[0m\nERROR 2026-11-27 root password reset', 'a\u202eb'],
      Array.from({ length: 10_000 }, (_, index) => `task-${index}`),
    ]) {
      const reply = await post(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: {
            message: {
              messageId: 'm1',
              role: 'ROLE_USER',
              parts: [{ text: 'Hi.' }],
              referenceTaskIds: ids,
            },
          },
        }),
      );
      const body = (await reply.json()) as { error?: { code: number; message: string } };
      expect(body.error?.code, JSON.stringify(body).slice(0, 200)).toBe(-32602);
      expect(body.error?.message).toMatch(/referenceTaskIds/);
      expect(body.error?.message).not.toMatch(/FATAL|task-9/);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(logged.join('\n')).not.toMatch(/FATAL|\u001b|task-9|Reference task/);
    expect(fake.requests).toHaveLength(0);
  });

  it('a message naming a few plain ids is served as before', async () => {
    const { post } = await serveA2A([turn.text('Hi.')]);
    const reply = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'SendMessage',
        params: {
          message: {
            messageId: 'm1',
            role: 'ROLE_USER',
            parts: [{ text: 'Hi.' }],
            referenceTaskIds: ['0f4e0b7a-8f3b-4c52-9a53-1c2d3e4f5a6b', 'task-2'],
          },
        },
      }),
    );
    const body = (await reply.json()) as { error?: unknown; result?: unknown };
    expect(body.error).toBeUndefined();
    expect(JSON.stringify(body.result)).toContain('Hi.');
  });
});
