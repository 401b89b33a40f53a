import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { copyOptions, describeValue } from '../../options/define-options.ts';
import { agentTurnsOf } from '../agent-turns.ts';
import type { AgentPlugin, HandOffAgent } from './agent-plugin.ts';
import { pluginEngine } from './plugin-engine.ts';
import { ENGINE_KEY } from './plugin-engine-of.ts';

/**
 * Declares a plugin, with its state's type inferred from `startRun`. `createAgent`, `run` and
 * `createChatSession` take only plugins made here: the plugin carries the seam's implementation
 * (so an app without plugins never bundles it), as `guardrails()` carries its checks.
 *
 * The plugin it returns is a frozen copy: its name, hooks and fields are fixed as given (its
 * arrays frozen copies too), and assigning or adding a key throws a `TypeError`. Keep what
 * changes during a run in the state `startRun` returns (`run.state`), or on a class instance
 * (its hooks stay bound to it).
 *
 * @example
 * ```ts
 * const countCalls = definePlugin({
 *   name: 'count-calls',
 *   startRun: () => ({ calls: 0 }),
 *   beforeToolCall: (_call, run) => { run.state.calls++; },
 *   endRun: (run) => console.log(run.state.calls, 'calls'),
 * });
 * createAgent({ gemini, model, tools, plugins: [countCalls] });
 * ```
 */
export function definePlugin<State = undefined>(plugin: AgentPlugin<State>): AgentPlugin<State> {
  if (typeof plugin !== 'object' || plugin === null)
    throw new InvalidArgumentError({
      argument: 'plugin',
      message: `definePlugin() takes a plugin object such as { name: 'my-plugin', beforeToolCall() {} }; got ${describeValue(plugin)}.`,
    });
  const made = readPlugin(plugin);
  // Its lists (`recorded`, `companions`) are frozen copies: the caller's arrays stay theirs.
  for (const key of Object.keys(made)) {
    const value = (made as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value))
      (made as unknown as Record<string, unknown>)[key] = Object.freeze([...value]);
  }
  if (made.receivers !== undefined && typeof made.receivers !== 'function')
    (made as { receivers: unknown }).receivers = checkedReceivers(made.name, made.receivers);
  // Not enumerable: a copy or a JSON view of the plugin shows only what the user wrote.
  Object.defineProperty(made, ENGINE_KEY, { value: pluginEngine, enumerable: false });
  // Sealed as made: a plugin is resolved once per agent (its hooks into lists), so a key changed
  // or added later would act in some agents and not others; and a plugin that reaches this one
  // through `run.plugins` must not swap its hooks or give it new ones. Every assignment throws a
  // TypeError (modules are strict). A plugin's own data rides as a field given here (the
  // built-ins' `layer` and `receiver` do); its mutable state lives in `startRun`'s state or on
  // a class instance, which stays the user's.
  return Object.freeze(made);
}

const HOOKS = [
  'startRun',
  'endRun',
  'wrapEvents',
  'checkInput',
  'beforeModelCall',
  'wrapModelCall',
  'afterModelCall',
  'checkAnswer',
  'afterAnswer',
  'beforeToolCall',
  'checkToolCall',
  'wrapToolCall',
  'afterToolCall',
  'wrapModelRequest',
  'rewriteToolError',
] as const;

/**
 * The plugin's fields, read once. A plain object is copied; a class instance (hooks as methods on
 * its prototype, which a spread would drop) gives its fields and its hooks bound to itself, so
 * `this` stays the instance. A read that throws (a getter, a Proxy's trap, a revoked Proxy) is the
 * typed error, its own error the `cause`: it threw out of definePlugin as it was.
 */
function readPlugin<State>(plugin: AgentPlugin<State>): AgentPlugin<State> {
  let prototype: object | null;
  try {
    prototype = Object.getPrototypeOf(plugin) as object | null;
  } catch (error) {
    throw unreadablePlugin(error);
  }
  if (prototype === Object.prototype || prototype === null) return copyOptions(plugin, 'plugin');
  try {
    return bound(plugin);
  } catch (error) {
    throw unreadablePlugin(error);
  }
}

function unreadablePlugin(cause: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'plugin',
    message:
      "definePlugin(): reading the plugin's fields threw (a getter, or a Proxy around it). Give a plain object or a class instance whose fields read; the error it threw is the cause.",
    cause,
  });
}

/** A class instance's plugin fields, its hooks bound to it. */
function bound<State>(plugin: AgentPlugin<State>): AgentPlugin<State> {
  const made: Record<string, unknown> = {
    name: plugin.name,
    recorded: plugin.recorded,
    recordedState: plugin.recordedState,
    inherit: plugin.inherit,
    order: plugin.order,
    companions: plugin.companions,
    receivers: plugin.receivers,
    rewriteToolError: plugin.rewriteToolError?.bind(plugin),
    ownErrors: plugin.ownErrors?.bind(plugin),
  };
  // Its companions too (they were dropped: a class's plugin brought none).
  if (plugin.companions !== undefined) made['companions'] = plugin.companions;
  for (const hook of HOOKS) {
    const method = (plugin as unknown as Record<string, unknown>)[hook];
    made[hook] = typeof method === 'function' ? method.bind(plugin) : method;
  }
  return made as unknown as AgentPlugin<State>;
}

/** The longest name a receiver goes by (a chat's stored turn and a durable worker key it). */
const MAX_RECEIVER_NAME = 128;

/**
 * `receivers` as a frozen copy of its own entries, each an agent `createAgent` made under a name of
 * 1 to 128 characters: the agent tree's key walk, a chat session and a durable worker read them
 * before any run, so a bad entry is refused here, where the plugin is made.
 */
function checkedReceivers(plugin: unknown, receivers: unknown): Record<string, HandOffAgent> {
  const fail = (message: string): never => {
    throw new InvalidArgumentError({
      argument: 'receivers',
      message: `definePlugin(): plugin ${JSON.stringify(String(plugin))}'s receivers${message}`,
    });
  };
  if (typeof receivers !== 'object' || receivers === null || Array.isArray(receivers))
    fail(
      ` must be an object of the agents it hands off to, by name ({ receivers: { billing } }), or a function returning one; got ${describeValue(receivers)}.`,
    );
  const copy: Record<string, HandOffAgent> = {};
  for (const [name, agent] of Object.entries(receivers as object)) {
    if (name === '' || name.length > MAX_RECEIVER_NAME)
      fail(
        ` name an agent under ${name === '' ? 'an empty name' : `a name of ${name.length} characters`}: give each 1 to ${MAX_RECEIVER_NAME}.`,
      );
    const made = typeof agent === 'object' && agent !== null && agentTurnsOf(agent).handoffTarget;
    if (!made)
      fail(
        `.${name} must be an agent made by createAgent (a run handed to it continues with its config); got ${describeValue(agent)}.`,
      );
    // Defined, not assigned: `copy['__proto__'] = agent` set the copy's prototype and declared
    // nothing, so a hand-off to an agent named `__proto__` failed its run (attack55).
    Object.defineProperty(copy, name, {
      value: agent,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.freeze(copy);
}
