import { loadWebSocket } from '#platform/live-web-socket';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import type { Agent } from '../agent/create-agent.ts';
import { runningDepth } from '../agent/run-state/run-link.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkOptionsCopy, withDefaults } from '../options/define-options.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import type { Content } from '../wire/content.ts';
import { liveAgentOf } from './live-agent.ts';
import type { LiveSession } from './live-session.ts';
import {
  LIVE_SESSION_DEFAULTS,
  type LiveSessionOptions,
  liveSessionOptions,
  type ResolvedLiveSessionOptions,
} from './live-session-options.ts';
import { LiveSessionState } from './live-session-state.ts';
import { liveHistoryTurns, liveSetupFor } from './live-setup.ts';
import { liveUrl } from './live-url.ts';
import { liveTelemetryOf } from './session/live-telemetry-of.ts';

export type { LiveSession } from './live-session.ts';

/**
 * Opens an agent as a Gemini Live session (`BidiGenerateContent` over a WebSocket) with the
 * agent's tools, instructions, model options and safety settings, and resolves once the server
 * answered the setup. A function, not a method of the agent, so that the agent's type and the
 * root import stay as they are and the Live code is loaded only by who uses it.
 *
 * The key goes in the URL's query (`?key=`), as Google's own client sends it (@google/genai
 * src/live.ts): the platform `WebSocket` of browsers and Workers cannot set headers. Errors show
 * the URL with the key redacted.
 *
 * @example
 * const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
 * session.sendText('What is the weather in Paris?');
 * for await (const event of session) if (event.type === 'text-delta') process.stdout.write(event.text);
 *
 * @throws {@link InvalidArgumentError} for an agent or client gemloop did not make, Vertex AI, or
 * a bad option. @throws {@link LiveSessionError} (`connect-failed`) when the server refuses.
 */
export async function createLiveSession(
  agent: Agent<unknown>,
  options: LiveSessionOptions = {},
): Promise<LiveSession> {
  return openLiveSession(prepareLiveSession(agent, options, 'createLiveSession'), undefined);
}

/**
 * A live session's options checked and copied (the defaults laid over the copy), its agent's
 * options and client, and its setup: everything that can refuse a session before it connects.
 * @internal
 */
export type PreparedLiveSession = {
  readonly options: ResolvedLiveSessionOptions;
  readonly agentOptions: AgentOptions<unknown>;
  readonly client: ReturnType<typeof liveAgentOf>['client'];
  readonly url: string;
  readonly setup: Record<string, unknown>;
  /**
   * How many runs the session runs inside (`runningDepth`): 0 at top level, 1 more than the run
   * whose hook or tool opened it. Its tools and plugin hooks are called at this depth, so an
   * `agent.run()` they make nests one deeper, as from a run's (MAX_RUN_DEPTH).
   */
  readonly depth: number;
};

/**
 * Checks a session's options and agent and builds its setup, throwing what
 * {@link createLiveSession} throws for them, before anything is opened or written: how
 * `recordLiveSession` starts a recording only for a session whose options passed. @internal
 */
export function prepareLiveSession(
  agent: Agent<unknown>,
  given: LiveSessionOptions,
  caller: string,
): PreparedLiveSession {
  // Each option read once (attack15): a getter cannot pass the check and then turn a bound off.
  const checked = checkOptionsCopy(liveSessionOptions, given);
  const options: ResolvedLiveSessionOptions = {
    ...checked,
    ...withDefaults(LIVE_SESSION_DEFAULTS, checked),
  };
  // The history's text read once, here, before anything opens: its getters cannot throw (or
  // change it) after the socket opened. The turns are a history too (text parts only).
  if (options.history !== undefined) options.history = historyTurnsOf(options.history);
  const { options: agentOptions, client } = liveAgentOf(agent, caller);
  const url = liveUrl(client.baseUrl, client.apiVersion, client.apiKey);
  const setup = liveSetupFor(agentOptions, options);
  // Read now, in the caller's synchronous part: after an await the opener's depth is gone.
  return { options, agentOptions, client, url, setup, depth: runningDepth() };
}

/** {@link liveHistoryTurns}, its throw (a getter, a proxy) the option's typed error. */
function historyTurnsOf(history: readonly Content[]): Content[] {
  try {
    return liveHistoryTurns(history);
  } catch {
    throw new InvalidArgumentError({
      argument: 'history',
      message:
        "history must be a list of contents (a chat's contents) that can be read: reading its text threw.",
    });
  }
}

/**
 * Opens a {@link prepareLiveSession prepared} session, with `sentText` told each user text as it
 * is sent (after the input guardrails: a rewritten text as rewritten, a blocked one never): how
 * `recordLiveSession` records what the model got. @internal
 */
export async function openLiveSession(
  { options, agentOptions, client, url, setup, depth }: PreparedLiveSession,
  sentText: ((text: string) => void) | undefined,
): Promise<LiveSession> {
  // What the tools' schemas need (off Node a validator, everywhere the pattern analysis), awaited
  // before connecting, as a run's first step awaits it: a call's arguments are parsed at once, and
  // a tool whose pattern can backtrack super-linearly refuses the session (UnsafePatternError).
  const [WebSocketClass] = await Promise.all([
    loadWebSocket(options.maxFrameBytes),
    ...startSchemaLoads(agentOptions.tools ?? []),
  ]);
  const redact = <T>(value: T): T => scrubSecrets(value, client.secrets.values);
  const telemetry = await liveTelemetryOf(agentOptions, setup, client.baseUrl, redact);
  const session = new LiveSessionState(
    agentOptions,
    options,
    url,
    setup,
    WebSocketClass,
    telemetry,
    redact,
    sentText,
    depth,
  );
  await session.start(options.resumeHandle);
  return session.api();
}
