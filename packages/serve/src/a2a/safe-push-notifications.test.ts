import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import type { ResolvedAddress } from './push-notification-options.ts';
import { createSafePushNotifications, PushNotificationError } from './safe-push-notifications.ts';

// The A2A door's push notifications with an injected fetch and resolver: a webhook checked when
// registered and again before each POST, its credentials sent as asked, no redirect followed, and
// failures reported by host only (a webhook's path or query may hold a token).

const alice = new ServerCallContext({ user: { isAuthenticated: true, userName: 'alice' } });
const task = {
  id: 'task-1',
  contextId: 'ctx-1',
  status: { state: TaskState.TASK_STATE_COMPLETED },
  history: [],
  artifacts: [],
  metadata: {},
} as unknown as Task;
const update: StreamResponse = { payload: { $case: 'task', value: task } } as StreamResponse;

function push(addresses: string[] = ['93.184.215.14'], status = 200) {
  const posts: { url: string; init: RequestInit }[] = [];
  const errors: unknown[] = [];
  const resolved = { addresses };
  const made = createSafePushNotifications(
    {
      lookup: async (): Promise<ResolvedAddress[]> =>
        resolved.addresses.map((address) => ({ address, family: 4 })),
      fetch: async (url, init) => {
        posts.push({ url: String(url), init: init ?? {} });
        return new Response(null, { status });
      },
    },
    (error) => errors.push(error),
  );
  return { ...made, posts, errors, resolved };
}
const config = (extra: Record<string, unknown> = {}) =>
  ({
    taskId: 'task-1',
    id: 'cfg-1',
    url: 'https://hooks.example/a2a?secret=s3cr3t',
    token: 'tok-1',
    ...extra,
  }) as never;

describe('createSafePushNotifications', () => {
  it('refuses to register a webhook on an internal address, saying why', async () => {
    const { store } = push(['10.0.0.5']);
    await expect(store.save('task-1', alice, config())).rejects.toThrow(
      'The push notification URL is refused: hooks.example resolves to 10.0.0.5 is a private address, not a public one. Register a public http(s) URL.',
    );
    expect(await store.load('task-1', alice)).toEqual([]);
  });

  it('POSTs each update to the webhook with its token, without following redirects', async () => {
    const { store, sender, posts, errors } = push();
    await store.save('task-1', alice, config());
    await sender.send(update, alice, task);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url).toBe('https://hooks.example/a2a?secret=s3cr3t');
    expect(posts[0]?.init).toMatchObject({ method: 'POST', redirect: 'manual' });
    const headers = posts[0]?.init.headers as Record<string, string>;
    expect(headers['x-a2a-notification-token']).toBe('tok-1');
    expect(headers['authorization']).toBeUndefined();
    expect(String(posts[0]?.init.body)).toContain('task-1');
    expect(errors).toEqual([]);
  });

  it('sends the configured authentication instead of the token when there is one', async () => {
    const { store, sender, posts } = push();
    await store.save(
      'task-1',
      alice,
      config({ authentication: { scheme: 'Bearer', credentials: 'hook-key' } }),
    );
    await sender.send(update, alice, task);
    const headers = posts[0]?.init.headers as Record<string, string>;
    expect(headers['authorization']).toBe('Bearer hook-key');
    expect(headers['x-a2a-notification-token']).toBeUndefined();
  });

  it('checks the webhook again before each POST: a name that now resolves inside is refused, by host only', async () => {
    const { store, sender, posts, errors, resolved } = push();
    await store.save('task-1', alice, config());
    resolved.addresses = ['127.0.0.1'];
    await sender.send(update, alice, task);
    expect(posts).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(PushNotificationError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ host: 'hooks.example' });
    expect(String((errors[0] as Error).message)).not.toContain('s3cr3t');
  });

  it('reports a webhook that answers an error by its host and status, never its path or query', async () => {
    const { store, sender, errors } = push(undefined, 503);
    await store.save('task-1', alice, config());
    await sender.send(update, alice, task);
    expect((errors[0] as Error).message).toBe(
      'Push notification to hooks.example answered HTTP 503.',
    );
  });

  it('sends nothing for another caller`s task, and nothing for an update without a task', async () => {
    const { store, sender, posts } = push();
    await store.save('task-1', alice, config());
    const bob = new ServerCallContext({ user: { isAuthenticated: true, userName: 'bob' } });
    await sender.send(update, bob, task);
    await sender.send({ payload: undefined } as unknown as StreamResponse, alice);
    expect(posts).toEqual([]);
  });
});
