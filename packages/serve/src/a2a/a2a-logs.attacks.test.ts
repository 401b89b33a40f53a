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
  it.each(['SendMessage', 'SendStreamingMessage'])(
    'an executor that rejects (%s): the SDK logs and shows fixed words, onError gets the error once',
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
      // The SDK's catch has run by the reply (it makes the failed task); a tick more for its log.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(told).not.toContain('s3cr3t');
      expect(told).not.toContain('collector.internal');
      expect(told).toContain(EXECUTOR_FAILED);
      expect(logged.join('\n')).not.toContain('s3cr3t');
      expect(logged.join('\n')).not.toContain('collector.internal');
      expect(logged.join('\n')).toContain(EXECUTOR_FAILED);
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as Error).message)).toContain('span export');
    },
  );
});
