import { freezeModelContent } from '../../history/freeze-model-content.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { FinishOutcome, PluginHookName } from './agent-plugin.ts';

// What a hook returned, checked before the run uses it (a plugin's value is untrusted), and the
// name a recorded hook call is stored under.

/** @internal */
export function isStep(value: unknown): value is AgentStep {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AgentStep).stepNumber === 'number' &&
    Array.isArray((value as AgentStep).toolCalls) &&
    // `null` is an object too: the loop read `response.candidates` and threw a TypeError that
    // named no plugin (attack62); a `text` that is no string became the run's `text`.
    typeof (value as AgentStep).response === 'object' &&
    (value as AgentStep).response !== null &&
    typeof (value as AgentStep).text === 'string'
  );
}

/**
 * The content of a step a `wrapModelCall` returned, as the run keeps it: a step `next()` gave
 * keeps its own (the model's, frozen); any other is the plugin's making, read once into a frozen
 * plain copy (the plugin's own object, a cache's, stays its own), or `false` when it is no
 * content the loop can read (`null`, parts that are no list of objects, a getter or a proxy that
 * throws, a cycle): the loop read it after the hook and threw the trap's own words, or a
 * TypeError, naming no plugin (attack62). `undefined`: a step without content, as the loop's own.
 * @internal
 */
export function ownStepContent(
  content: unknown,
  given: ReadonlySet<AgentStep>,
): Content | undefined | false {
  if (content === undefined) return undefined;
  for (const step of given) if (step.content === content) return content as Content;
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(content));
  } catch {
    return false;
  }
  return isContentList([copy], false, true) ? freezeModelContent(copy as Content) : false;
}

/**
 * The fields of an {@link AgentStep}, read by name (a non-enumerable one as well) when a hook's
 * step is copied; own enumerable keys beside them are kept too.
 */
const STEP_FIELDS: readonly (keyof AgentStep)[] = [
  'stepNumber',
  'kind',
  'content',
  'appended',
  'text',
  'thoughts',
  'toolCalls',
  'toolResponseContent',
  'finishReason',
  'finishMessage',
  'usage',
  'usageEstimated',
  'usageWithChildren',
  'costWithChildren',
  'usageByAgent',
  'cost',
  'serviceTier',
  'model',
  'interactionId',
  'continuation',
  'grounding',
  'urlContextMetadata',
  'safetyRatings',
  'citationMetadata',
  'interrupted',
  'reask',
  'response',
  'startedAt',
  'modelMs',
  'toolsMs',
];

/**
 * A step a hook made (not one `next()` gave), read once, field by field, into a plain object
 * (`step`): an accessor (`Object.defineProperty`) could pass `isStep` with one value and hand the
 * loop another on its next read, or throw its own words out of the run on any read. `unreadable`
 * names the first field whose read threw (or the keys, for a proxy whose trap did). What is no
 * object is passed on as it is, for `isStep` to refuse. @internal
 */
export function readStepOnce(
  value: unknown,
): { readonly step: unknown } | { readonly unreadable: string } {
  if (typeof value !== 'object' || value === null) return { step: value };
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(source);
  } catch {
    return { unreadable: 'its keys' };
  }
  for (const key of [...STEP_FIELDS, ...keys]) {
    try {
      // A field the step lacks stays out (an optional one, as the loop's own steps leave it);
      // `__proto__` would set the copy's prototype, not a field.
      if (key === '__proto__' || Object.hasOwn(copy, key) || !(key in source)) continue;
      copy[key] = source[key];
    } catch {
      return { unreadable: `\`${key}\`` };
    }
  }
  return { step: copy };
}

/** @internal */
export function isFinish(value: unknown): value is FinishOutcome {
  return (value as { type?: unknown }).type === 'finish';
}

/**
 * A plugin's reason to end the run, as the run's events, result and recordings carry it: cut at
 * 1,000 characters (a page shows it; a hook's 10 MB string reached every event reader whole), and
 * a fixed text for what is no string (a cyclic object). @internal
 */
export function finishReason(value: Pick<FinishOutcome, 'reason'>): string {
  const { reason } = value;
  if (typeof reason !== 'string') return 'finished by a plugin';
  return reason.length > 1_000
    ? `${reason.slice(0, 1_000).replace(/[\ud800-\udbff]$/, '')}...`
    : reason;
}

/** @internal */
export function isContentList(
  value: unknown,
  empty = false,
  model = false,
): value is readonly Content[] {
  // A proxy whose traps throw (a hostile hook's return) is no list: the hook's invalid result,
  // not the trap's own error (its words could be anything) reaching the caller.
  try {
    if (!Array.isArray(value) || (!empty && value.length === 0)) return false;
    // A loop, not `every`: `every` skips a sparse list's holes (`[, content]`), which passed
    // here and failed at the request as the client's error, naming no plugin (attack42a).
    for (let index = 0; index < value.length; index++) {
      const content = value[index] as Content | undefined;
      if (
        typeof content !== 'object' ||
        content === null ||
        !Array.isArray(content.parts) ||
        (!model && content.role === 'model') ||
        !isRoleField(content.role)
      )
        return false;
      // A part that is no object (`[undefined]`, `[null]`, a hole) the client refuses anyway,
      // naming no plugin: refused here, as the plugin's.
      for (let at = 0; at < content.parts.length; at++) {
        const part: unknown = content.parts[at];
        if (typeof part !== 'object' || part === null) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a content's `role` is one the API reads: a string, or none (`null` is proto3 JSON's
 * "not set"). A number or an object (`role: 7`) was sent as a plugin returned it and came back as
 * the API's 400, naming no plugin (attack62). Which strings the API takes is its own to say.
 */
function isRoleField(role: unknown): boolean {
  return role === undefined || role === null || typeof role === 'string';
}

/**
 * Whether `beforeModelCall`'s contents can be sent: a non-empty list of contents with parts
 * (Gemini refuses an empty `contents`; model turns are allowed: compaction keeps them). @internal
 */
export function isSendableContents(value: unknown): value is readonly Content[] {
  return isContentList(value, false, true);
}

/** The name of a recorded hook call: unique in its run, the same on a replay. */
/** @internal */
export function recordName(
  plugin: string,
  hook: PluginHookName | `${PluginHookName}.after${string}`,
  stepNumber: number,
  callId: string | undefined,
): string {
  return callId === undefined
    ? `plugin:${plugin}:${hook}:${stepNumber}`
    : `plugin:${plugin}:${hook}:${stepNumber}:${callId}`;
}

/**
 * Whether a hook's value is a hand-off, and what is wrong with it when it is a bad one: `true`
 * for a hand-off whose fields are well typed, a message naming the bad field, `false` for a value
 * of another type. Whether `to` is an agent gemloop made is asked where the run takes it.
 * @internal
 */
export function checkHandOff(value: unknown, contentsAllowed: boolean): boolean | string {
  if ((value as { type?: unknown }).type !== 'hand-off') return false;
  const { to, name, filter, contents } = value as Record<string, unknown>;
  if (typeof to !== 'object' || to === null)
    return '{ type: "hand-off" } needs `to`, the agent (made by createAgent) that takes the run';
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.length > 100))
    return "a hand-off's `name` must be a non-empty string of at most 100 characters";
  if (filter !== undefined && typeof filter !== 'function')
    return "a hand-off's `filter` must be a function (contents, from) => contents";
  if (contents !== undefined) {
    if (!contentsAllowed)
      return "a hand-off from afterToolCall takes no `contents` (the call's responses end the history)";
    if (!isContentList(contents, true))
      return "a hand-off's `contents` must be user contents (no model turn)";
  }
  return true;
}

/** One `run.emit` as a recorded hook's record holds it: its kind (redacted) and data. @internal */
export type PluginReport = { readonly kind: string; readonly data?: unknown };

/** The longest kind `run.emit` takes. @internal */
export const MAX_KIND_LENGTH = 64;

/**
 * The reports a recorded hook call's record holds, as `run.emit` made them (a kind of 1 to 64
 * characters, redacted again with `redact`, and its data); `undefined` when `value` is not a
 * list of such (a record changed in its database). Never throws on a hostile value. @internal
 */
export function toReports(value: unknown, redact: <T>(value: T) => T): PluginReport[] | undefined {
  try {
    if (!Array.isArray(value)) return undefined;
    const reports: PluginReport[] = [];
    for (const entry of value as unknown[]) {
      if (typeof entry !== 'object' || entry === null) return undefined;
      const { kind, data } = entry as { kind?: unknown; data?: unknown };
      if (typeof kind !== 'string' || kind === '' || kind.length > MAX_KIND_LENGTH)
        return undefined;
      reports.push(data === undefined ? { kind: redact(kind) } : { kind: redact(kind), data });
    }
    return reports;
  } catch {
    // A proxy whose traps throw (see isContentList).
    return undefined;
  }
}
