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

describe('createSafePushNotifications without a fetch of the caller`s (Node)', () => {
  async function webhookServer() {
    const { createServer } = await import('node:http');
    const received: { host: string | undefined; body: string; token: unknown }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          host: request.headers.host,
          body,
          token: request.headers['x-a2a-notification-token'],
        });
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { port, received, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('connects to the address its check resolved, asking no resolver again (no DNS rebinding)', async () => {
    const hook = await webhookServer();
    try {
      const lookups: string[] = [];
      const errors: unknown[] = [];
      const { store, sender } = createSafePushNotifications(
        {
          allowPrivateNetwork: true,
          // `.test` names resolve nowhere (RFC 6761): a second lookup by the POST itself would
          // fail, so the webhook is reached only through the checked address.
          lookup: async (hostname) => {
            lookups.push(hostname);
            return [{ address: '127.0.0.1', family: 4 }];
          },
        },
        (error) => errors.push(error),
      );
      const url = `http://hook.test:${hook.port}/a2a?secret=s3cr3t`;
      await store.save('task-1', alice, config({ url }));
      await sender.send(update, alice, task);
      expect(errors).toEqual([]);
      // One lookup to register, one to check before the POST; none by the POST itself.
      expect(lookups).toEqual(['hook.test', 'hook.test']);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]?.host).toBe(`hook.test:${hook.port}`);
      expect(hook.received[0]?.token).toBe('tok-1');
      expect(JSON.stringify(JSON.parse(hook.received[0]?.body ?? ''))).toContain('"task-1"');
    } finally {
      await hook.close();
    }
  });

  it('reports a webhook that cannot be reached by host and error code, never its path or address', async () => {
    const hook = await webhookServer();
    await hook.close();
    const errors: unknown[] = [];
    const { store, sender } = createSafePushNotifications(
      { allowPrivateNetwork: true, lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
      (error) => errors.push(error),
    );
    await store.save(
      'task-1',
      alice,
      config({ url: `http://hook.test:${hook.port}/p?secret=s3cr3t` }),
    );
    await sender.send(update, alice, task);
    expect(errors).toHaveLength(1);
    expect(PushNotificationError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as Error).message).toBe(
      `Push notification to hook.test:${hook.port} failed: ECONNREFUSED.`,
    );
  });
});
