import type { StreamResponse, Task, TaskPushNotificationConfig } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { V03PushNotificationSerializer } from '@a2a-js/sdk/compat/v0_3/server';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import {
  InMemoryPushNotificationStore,
  type PushNotificationSender,
  type PushNotificationStore,
  type ServerCallContext,
  V1PushNotificationSerializer,
} from '@a2a-js/sdk/server';
import { GemloopError } from '@gemloop/core/errors';
import { checkPushUrl, judgePushUrl, type PushUrlPolicy, systemLookup } from './check-push-url.ts';
import { loadPinnedPost, type PinnedPost } from './post-pinned.ts';
import type { PushNotificationOptions } from './push-notification-options.ts';

/**
 * A push notification the A2A door refused to send or that failed, handed to `onError`: its
 * message names the webhook's host only (a URL's path or query may carry a token).
 */
export class PushNotificationError extends GemloopError {
  override readonly code = 'a2a-push-notification';
  /** Not the code's (`A2aPushNotificationError`): see the `name` of {@link GemloopError}. */
  override get name(): string {
    return 'PushNotificationError';
  }
  /** The webhook's host. */
  readonly host: string;

  constructor(options: { host: string; message: string }) {
    super({ message: options.message });
    this.host = options.host;
  }

  static override isInstance(error: unknown): error is PushNotificationError {
    return GemloopError.hasCode(error, 'a2a-push-notification');
  }
}

/**
 * The push notification store and sender of the A2A door: the SDK's in-memory store (scoped by
 * owner) behind a check of each URL a caller registers, and a sender that checks the URL again,
 * POSTs without following redirects (a redirect could lead inside), and reports failures to
 * `onError` instead of the SDK's console lines (which print the URL). @internal
 */
export function createSafePushNotifications(
  options: PushNotificationOptions,
  onError: (error: unknown) => void,
): { store: PushNotificationStore; sender: PushNotificationSender } {
  const allowPrivateNetwork = options.allowPrivateNetwork === true;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  let policy: Promise<PushUrlPolicy> | undefined;
  const policyOf = () => {
    policy ??= (async () => ({
      allowPrivateNetwork,
      lookup: options.lookup ?? (await systemLookup()),
    }))();
    return policy;
  };
  // Without a `fetch` of the caller's, a POST connects to the addresses its check resolved (no
  // second lookup a rebinding name could answer otherwise). A given `fetch` owns its connections.
  let pinned: Promise<PinnedPost | undefined> | undefined;
  const pinnedPostOf = () => {
    pinned ??= options.fetch === undefined ? loadPinnedPost() : Promise.resolve(undefined);
    return pinned;
  };
  const inner = new InMemoryPushNotificationStore();
  const serializer = new V1PushNotificationSerializer();
  const legacySerializer = new V03PushNotificationSerializer();

  const store: PushNotificationStore = {
    async save(taskId, context, config) {
      const problem = await checkPushUrl(config.url, await policyOf());
      if (problem !== undefined) {
        throw new RequestMalformedError(
          `The push notification URL is refused: ${problem}. Register a public http(s) URL.`,
        );
      }
      await inner.save(taskId, context, config);
    },
    load: (taskId, context) => inner.load(taskId, context),
    loadWithMetadata: (taskId, context) => inner.loadWithMetadata(taskId, context),
    delete: (taskId, context, configId) => inner.delete(taskId, context, configId),
  };

  // One chain: the notifications of a task reach its webhook in the order they happened.
  let chain: Promise<void> = Promise.resolve();
  const sender: PushNotificationSender = {
    send(response: StreamResponse, context: ServerCallContext, task?: Task): Promise<void> {
      chain = chain.then(() => dispatch(response, context, task)).catch(onError);
      return chain;
    },
  };

  async function dispatch(response: StreamResponse, context: ServerCallContext, task?: Task) {
    const taskId = taskIdOf(response);
    if (taskId === '') return;
    const configs = await inner.loadWithMetadata(taskId, context);
    for (const { config, wireVersion } of configs) {
      // Each webhook gets the body of the protocol version it was registered over.
      const { body, contentType } = (
        wireVersion === A2A_LEGACY_PROTOCOL_VERSION ? legacySerializer : serializer
      ).serialize(response, task);
      await post(config, body, contentType).catch(onError);
    }
  }

  async function post(config: TaskPushNotificationConfig, body: string, contentType: string) {
    const host = hostOf(config.url);
    const verdict = await judgePushUrl(config.url, await policyOf());
    if (verdict.problem !== undefined) {
      throw new PushNotificationError({
        host,
        message: `Push notification to ${host} refused: ${verdict.problem}.`,
      });
    }
    const headers: Record<string, string> = { 'content-type': contentType };
    const auth = config.authentication;
    if (auth?.scheme && auth.credentials) {
      headers['authorization'] = `${auth.scheme} ${auth.credentials}`;
    } else if (config.token) {
      headers['x-a2a-notification-token'] = config.token;
    }
    const signal = AbortSignal.timeout(timeoutMs);
    const pinnedPost = verdict.addresses === undefined ? undefined : await pinnedPostOf();
    let status: number;
    if (pinnedPost !== undefined && verdict.addresses !== undefined) {
      status = await pinnedPost({
        url: new URL(config.url),
        addresses: verdict.addresses,
        headers,
        body,
        signal,
      }).catch((error: unknown) => {
        throw new PushNotificationError({
          host,
          message: `Push notification to ${host} failed: ${networkReason(error)}.`,
        });
      });
    } else {
      const response = await fetchImpl(config.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel();
      status = response.status;
    }
    if (status < 200 || status > 299) {
      throw new PushNotificationError({
        host,
        message: `Push notification to ${host} answered HTTP ${status}.`,
      });
    }
  }

  return { store, sender };
}

function taskIdOf(response: StreamResponse): string {
  const payload = response.payload;
  switch (payload?.$case) {
    case 'task':
      return payload.value.id;
    case 'statusUpdate':
    case 'artifactUpdate':
      return payload.value.taskId;
    case 'message':
      return payload.value.taskId;
    default:
      return '';
  }
}

/** A failed POST's reason without its message (which may name an address or a path). */
function networkReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timed out';
  return 'no response';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
