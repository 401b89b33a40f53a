import type { StreamSteering } from '../agent/agent-stream.ts';
import { createAgentStream } from '../agent/agent-stream.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { LatePlugins } from '../agent/plugins/run-plugins.ts';
import { emptyUsage } from '../agent/usage.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { zeroCost } from '../models/cost.ts';
import { withDefaults } from '../options/define-options.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { ownSteering } from '../steering/own-steering.ts';
import type { SteeringMessage } from '../steering/steering-options.ts';
import { SteeringQueue } from '../steering/steering-queue.ts';
import type { ChatConversation, SendSteering, SteerSend } from './chat-conversation.ts';
import type { ChatSession, ChatStream, CreateChatSessionOptions } from './chat-session.ts';
import { CHAT_SESSION_DEFAULTS, checkChatOptions } from './check-chat-options.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { HistoryStore } from './history-store.ts';
import type { ChatMessage } from './to-message-parts.ts';

// The in-memory store `createChatSession({ agent, id })` uses when none is given: one per agent,
// so the same id continues the same conversation, and dropped with the agent. Not run data, and no
// signature can carry it: it outlives each session by design, and no option holds a store the
// user did not give.
// why (kept): keyed by the user's `Agent`; see the reason above.
const defaultStores = new WeakMap<object, HistoryStore>();

/**
 * Starts (or continues, for an `id` already in the store) a chat with `agent`: see
 * {@link ChatSession}. The session sits on top of the agent (it calls `agent.run` and
 * `agent.stream`); the agent does not know it. Its lifecycle is its own: `chat.close()` (or
 * `await using`) releases what the store holds for the conversation; a send that finds the agent
 * closed fails with the agent's {@link AgentClosedError} and releases it too.
 *
 * @example
 * ```ts
 * const chat = createChatSession({
 *   agent,
 *   store: createFileHistoryStore({ directory: './chats' }),
 *   id: 'user-42',
 *   limit: { maxTurns: 20, maxTokens: 100_000 },
 * });
 * const first = await chat.send('Book me a table for two tonight.');
 * const second = await chat.send('Make it 8 pm.'); // sees the first exchange
 * ```
 *
 * @throws {@link InvalidArgumentError} for a bad option (an empty id, a store without `load`,
 *   a negative limit, ...).
 */
export function createChatSession<Output = undefined>(
  given: CreateChatSessionOptions<Output>,
): ChatSession<Output> {
  const options = checkChatOptions(given);
  const { agent } = options;
  const id = options.id ?? globalThis.crypto.randomUUID();
  const store = options.store ?? defaultStore(agent, options.id !== undefined);
  const { turnsWithoutModel, now } = withDefaults(CHAT_SESSION_DEFAULTS, options);
  // What sends and store reads need (the store's calls, the history limit, the budget, saving a
  // turn) comes with the first of them: `import '@gemloop/core'` loads none of its modules
  // (bench/RESULTS.md, "Cold import, counted", helper cold-import2). Every call awaits the same
  // load, so calls keep their order; a failed load is not kept (the next call tries again).
  const conversation = new LoadOnce<ChatConversation<Output>>(() =>
    import('./chat-conversation.ts').then(({ openChatConversation }) =>
      openChatConversation({
        options,
        turnsWithoutModel,
        now,
        id,
        store,
        closeSession: () => session.close(),
      }),
    ),
  );

  // The steering of the send whose run is under way (sends run one at a time): its own, which
  // joins the run on its first message (a send nobody steers runs no steering). With the send's
  // signal: between its abort and the end of its run the handle still takes messages, which the
  // aborted send never saves (chat68), so they are refused from the abort on. And with what the
  // run it starts sets (`late`): `agent.close()` aborts the run itself, not the send's signal
  // (core2).
  let steeringInFlight: StreamSteering | undefined;
  let signalInFlight: AbortSignal | undefined;
  let lateInFlight: LatePlugins | undefined;
  const steerSend: SteerSend = (sending, body, signal) => {
    const steering = sendSteering(sending, store);
    steeringInFlight = steering.handle;
    signalInFlight = signal;
    lateInFlight = steering.late;
    return withController(steering)
      .then(body)
      .finally(() => {
        if (steeringInFlight === steering.handle) steeringInFlight = undefined;
      });
  };
  const steerWith =
    (mode: 'steer' | 'queue') =>
    (message: SteeringMessage): void => {
      if (steeringInFlight === undefined) {
        throw new SteeringError({
          reason: 'no-send-in-flight',
          message: `chat.${mode}() steers a send while its run is under way, and session "${id}" has none. Send the message with chat.send() instead.`,
        });
      }
      if (
        signalInFlight?.aborted === true ||
        lateInFlight?.holding?.context?.signal.aborted === true
      ) {
        throw new SteeringError({
          reason: 'run-ended',
          message: `chat.${mode}() came after the send in flight of session "${id}" was aborted (by its signal or agent.close()): that send saves nothing, so the message was not taken. Send it with chat.send() (it runs once the aborted send has settled).`,
        });
      }
      steeringInFlight.add(mode, message);
    };

  const session: ChatSession<Output> = {
    id,
    store,
    // Before the first send or read, the session has spent nothing it knows of (the stored spend
    // is read with the history).
    get usage() {
      return conversation.value?.spend.usage ?? emptyUsage();
    },
    get cost() {
      return conversation.value?.spend.cost ?? zeroCost();
    },
    async send(message: ChatMessage, sendOptions = {}) {
      return (await conversation.load()).send(message, sendOptions, steerSend);
    },
    sendStream(message: ChatMessage, { signal, guardrails, generationConfig } = {}) {
      // The handle's steer()/queue() reach this send's run, whenever it starts.
      // The session's agent says how a send steers (an agent createAgent made, or another's:
      // a handoff's receiver is always one createAgent made, as the session's agent then is).
      const steering = sendSteering(agentTurnsOf(agent), store);
      const stream: ChatStream<Output> = createAgentStream<Output>(
        async (emit, streamSignal) =>
          (await conversation.load()).streamSend(
            message,
            { guardrails, generationConfig },
            {
              begin: () => {
                steeringInFlight = steering.handle;
                signalInFlight = streamSignal;
                lateInFlight = steering.late;
                return withController(steering);
              },
              end: () => {
                if (steeringInFlight === steering.handle) steeringInFlight = undefined;
              },
            },
            emit,
            streamSignal,
            stream,
          ),
        signal,
        steering.handle,
      ) as ChatStream<Output>;
      return stream;
    },
    steer: steerWith('steer'),
    queue: steerWith('queue'),
    async history() {
      return (await conversation.load()).history();
    },
    async turns() {
      return (await conversation.load()).turns();
    },
    async reset() {
      return (await conversation.load()).reset();
    },
    close() {
      if (typeof store.release !== 'function') return Promise.resolve();
      return conversation.load().then((loaded) => loaded.close());
    },
  } satisfies Omit<ChatSession<Output>, typeof Symbol.asyncDispose> as ChatSession<Output>;
  // Only where the runtime has the symbol, as for the agent.
  if (typeof Symbol.asyncDispose === 'symbol') {
    (session as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
      session.close();
  }
  return session;
}

function defaultStore(agent: object, shared: boolean): HistoryStore {
  if (!shared) return createMemoryHistoryStore();
  let store = defaultStores.get(agent);
  if (store === undefined) {
    store = createMemoryHistoryStore();
    defaultStores.set(agent, store);
  }
  return store;
}

function sendSteering(
  turns: { readonly lateJoin?: true | undefined },
  conversation: HistoryStore,
): SendSteering {
  if (turns.lateJoin === true) {
    const late: LatePlugins = { joining: undefined, closed: false, conversation };
    return { handle: ownSteering(late), late };
  }
  const queue = new SteeringQueue({}, true);
  return {
    handle: {
      add: (mode, message) => queue.add(mode, message),
      send: (topic, value) => queue.send(topic, value),
      closed: () => queue.closed,
    },
    // Loaded here, not with the root: the controller carries the steering plugin and the seam.
    controller: () =>
      import('../steering/steering-plugin.ts').then(({ controllerOf }) => controllerOf(queue)),
  };
}

/** The controller a send to another's agent passes (`steering`), once loaded. */
async function withController(steering: SendSteering): Promise<SendSteering> {
  if (steering.controller !== undefined) steering.steering ??= await steering.controller();
  return steering;
}
