import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { serveA2A } from './__fixtures__/serve-a2a.ts';

// attack-doors9: attack-doors7 closed the SDK's console line for `referenceTaskIds`. Every other
// id a caller names (a task's, a context's, a push config's, a message's), on every method, in
// both protocol versions: does the A2A SDK write it to the server's console, escapes and all?

const HOSTILE = 'x\u001b[2J\u001b]0;owned\u0007\nERROR forged: admin logged in\u202e';

function captureConsole(): string[] {
  const logged: string[] = [];
  const keep = (...args: unknown[]) => {
    logged.push(
      args.map((each) => (each instanceof Error ? `${each.stack}` : String(each))).join(' '),
    );
  };
  for (const level of ['error', 'warn', 'log', 'info', 'debug', 'trace'] as const) {
    const spy = vi.spyOn(console, level).mockImplementation(keep);
    onTestFinished(() => spy.mockRestore());
  }
  return logged;
}

const id = JSON.stringify(HOSTILE);
const V1_CALLS = [
  `{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"CancelTask","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"SubscribeToTask","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"ListTasks","params":{"contextId":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"GetTaskPushNotificationConfig","params":{"taskId":${id},"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"ListTaskPushNotificationConfigs","params":{"taskId":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"DeleteTaskPushNotificationConfig","params":{"taskId":${id},"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"CreateTaskPushNotificationConfig","params":{"taskId":${id},"url":"https://hooks.example"}}`,
  `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":${id},"role":"ROLE_USER","taskId":${id},"parts":[{"text":"Hi."}]}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","contextId":${id},"parts":[{"text":"Hi."}]}}}`,
  `{"jsonrpc":"2.0","id":${id},"method":${id},"params":{}}`,
];
const LEGACY_CALLS = [
  `{"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"tasks/cancel","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"tasks/resubscribe","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"tasks/pushNotificationConfig/get","params":{"id":${id}}}`,
  `{"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"kind":"message","messageId":${id},"role":"user","taskId":${id},"parts":[{"kind":"text","text":"Hi."}]}}}`,
];

describe("a caller's ids on the A2A server's console", () => {
  it('every method, both versions: nothing of the id on the console, the answer a JSON-RPC error or a task', async () => {
    const logged = captureConsole();
    const { post, fake } = await serveA2A(Array.from({ length: 8 }, () => turn.text('Hi.')));
    const answers: string[] = [];
    for (const [body, version] of [
      ...V1_CALLS.map((each) => [each, '1.0'] as const),
      ...LEGACY_CALLS.map((each) => [each, '0.3'] as const),
    ]) {
      const reply = await post(body, { 'a2a-version': version });
      answers.push(`${reply.status} ${(await reply.text()).slice(0, 300)}`);
    }
    // A tick for any log the SDK writes after its answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const console = logged.join('\n');
    expect(console, console).not.toContain('forged');
    expect(console).not.toContain('\u001b');
    expect(console).not.toContain('\u202e');
    for (const answer of answers) expect(answer, answer).not.toContain('\u001b');
    // Each refused at the door, naming the field, before the SDK reads it; the method name
    // itself is the SDK's "Invalid method." (its id echoed JSON-escaped, as JSON-RPC asks).
    expect(answers.filter((answer) => answer.includes('-32602'))).toHaveLength(answers.length - 1);
    expect(answers.at(V1_CALLS.length - 1)).toContain('-32601');
    expect(fake.requests.length).toBeLessThanOrEqual(8);
  });
});
