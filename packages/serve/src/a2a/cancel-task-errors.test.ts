import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A, TOKENS } from './__fixtures__/serve-a2a.ts';

// The A2A SDK's cancel error paths through the door (doors-policy): what a client gets for a
// cancel of a task that does not exist, of one that has ended, and of another caller's. Raw
// JSON-RPC, in both protocol versions the door speaks (v1.0 `CancelTask`, v0.3 `tasks/cancel`).

type RpcAnswer = { jsonrpc: string; id: unknown; error?: { code: number; message: string } };

async function serveCompleted() {
  const served = await serveA2A([turn.text('Done.')]);
  const sent = await served.post(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: {
        message: {
          messageId: 'm-1',
          role: 'ROLE_USER',
          parts: [{ text: 'Hi' }],
        },
      },
    }),
  );
  const answer = (await sent.json()) as {
    result?: { task?: { id: string; status: { state: string } } };
  };
  const task = answer.result?.task;
  expect(task?.status.state).toBe('TASK_STATE_COMPLETED');
  return { ...served, taskId: task?.id as string };
}

const cancels = {
  '1.0': (id: string) => ({ jsonrpc: '2.0', id: 7, method: 'CancelTask', params: { id } }),
  '0.3': (id: string) => ({ jsonrpc: '2.0', id: 7, method: 'tasks/cancel', params: { id } }),
};

describe('CancelTask through the A2A door', () => {
  it.each(Object.entries(cancels))(
    'v%s: an unknown task and another caller’s are one answer (task not found, -32001); an ended one is not cancelable (-32002)',
    async (version, cancel) => {
      const { post, taskId, errors, fake } = await serveCompleted();
      const headers = { 'a2a-version': version };
      const ask = async (id: string, token: string = TOKENS.alice) => {
        const response = await post(JSON.stringify(cancel(id)), {
          ...headers,
          authorization: `Bearer ${token}`,
        });
        return { status: response.status, body: (await response.json()) as RpcAnswer };
      };
      const unknown = await ask('no-such-task');
      expect(unknown.body.id).toBe(7);
      expect(unknown.body.error?.code).toBe(-32001);
      // The SDK's fixed words, naming only the id the caller sent.
      expect(unknown.body.error?.message).toBe('Task not found: no-such-task');

      // Bob names Alice's task: exactly the unknown task's answer, her id aside.
      const others = await ask(taskId, TOKENS.bob);
      expect(others.status).toBe(unknown.status);
      expect(others.body.error?.code).toBe(-32001);
      expect(others.body.error?.message.replaceAll(taskId, 'X')).toBe(
        unknown.body.error?.message.replaceAll('no-such-task', 'X'),
      );

      // Alice cancels her own task that has completed: not cancelable, and it stays completed.
      const ended = await ask(taskId);
      expect(ended.body.error?.code).toBe(-32002);
      expect(ended.body.error?.message).toBe(`Task not cancelable: ${taskId}`);
      if (version === '1.0') {
        expect(JSON.stringify(ended.body.error)).toContain('"reason":"TASK_NOT_CANCELABLE"');
      }
      // An id past the door's bound is refused as invalid params, not echoed back whole.
      const huge = await ask('x'.repeat(100_000));
      expect(JSON.stringify(huge.body).length).toBeLessThan(2000);
      expect(huge.body.error?.code).toBe(-32602);
      expect(huge.body.error?.message).toBe('params.id must be an id of at most 1024 characters.');
      const read = await post(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 8,
          method: version === '1.0' ? 'GetTask' : 'tasks/get',
          params: { id: taskId },
        }),
        headers,
      );
      expect(JSON.stringify(await read.json())).toMatch(/COMPLETED|completed/);
      // None of these is the server's failure, and no model call was made for them.
      expect(errors).toEqual([]);
      expect(fake.requests).toHaveLength(1);
    },
  );
});
