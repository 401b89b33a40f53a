import type { HandOffOutcome } from '../agent-plugin.ts';
import { handOffOf } from './tool-hook-results.ts';

// What a boundary hook (`beforeModelCall`, `checkInput`, `checkAnswer`, `afterAnswer`)
// returned, the fields its family reads taken once into a plain object, as the tool hooks' are
// (`fieldsOf`). Read where the family read them, a getter or a proxy trap that threw ended the
// run with its own Error and its words (which may hold anything), and a field read twice (the
// check, then the use) could answer the check one thing and the run another (hooks65). Each
// reader may throw; the family calls it through `PluginHookCalls.returned`, which makes a throw
// the plugin's `UNREADABLE_RESULT` failure.

/** `value`'s `keys`, each read once; none of an object that is none (a string, a number). */
function fieldsNamed<Key extends string>(
  value: unknown,
  keys: readonly Key[],
): { readonly [Name in Key]: unknown } {
  const fields = {} as { [Name in Key]: unknown };
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return fields;
  for (const key of keys) fields[key] = (value as Record<Key, unknown>)[key];
  return fields;
}

/**
 * A list of contents a hook returned, as the run's own shallow copy: the list's length and each
 * element read once, each content's own fields read once, in their order, into a plain object
 * (the same values: the wire format is the plugin's), its `parts` list copied the same way. The
 * check and every later use (the loop, the request's build) read the copy: the plugin's list,
 * checked and then passed on, could throw its getter's words later in the loop or send other
 * contents than the check saw (a `parts` getter that answers once). `kept`: the contents the run
 * gave the hook (its history's), kept as they are, for a content's identity says which model
 * made it (thought signatures). What is no list, a content that is no object and parts that are
 * no list pass as they are, for the check to refuse. May throw (a getter, a proxy trap).
 * @internal
 */
export function ownContentList(value: unknown, kept?: readonly unknown[]): unknown {
  if (!Array.isArray(value)) return value;
  const known = kept === undefined ? undefined : new Set(kept);
  const length = value.length;
  const list: unknown[] = [];
  // By index, not `map` or a spread: a hole stays a hole's `undefined`, for the check to refuse.
  for (let at = 0; at < length; at++) {
    const content: unknown = value[at];
    list.push(known?.has(content) ? content : ownContent(content));
  }
  return list;
}

/** One content of {@link ownContentList}: its own enumerable fields, read once, in order. */
function ownContent(content: unknown): unknown {
  if (typeof content !== 'object' || content === null) return content;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(content)) {
    const field = (content as Record<string, unknown>)[key];
    // `__proto__` as a field of its own (JSON.parse makes one), not the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = field;
  }
  const parts = copy['parts'];
  if (Array.isArray(parts)) {
    const length = parts.length;
    const own: unknown[] = [];
    for (let at = 0; at < length; at++) own.push(parts[at]);
    copy['parts'] = own;
  }
  return copy;
}

/** What `beforeModelCall` returned: other contents, or the end of the run. @internal */
export type ModelChange = {
  readonly type: unknown;
  readonly reason: unknown;
  readonly contents: unknown;
};

/**
 * {@link ModelChange} of a hook's value, its contents the run's copy ({@link ownContentList};
 * `given`: the contents the hook was given). May throw (a getter, a proxy trap). @internal
 */
export function modelChangeOf(value: unknown, given?: readonly unknown[]): ModelChange {
  const fields = fieldsNamed(value, ['type', 'reason', 'contents']);
  return { ...fields, contents: ownContentList(fields.contents, given) };
}

/**
 * What `checkInput` returned: a rewrite (`contents`), a verdict still to come (`beside`, a
 * promise: anything else is none), or both. May throw (a getter, a proxy trap). @internal
 */
export function inputVerdictOf(value: unknown): {
  readonly beside: Promise<unknown> | undefined;
  readonly contents: unknown;
} {
  const { beside, contents } = fieldsNamed(value, ['beside', 'contents']);
  return {
    beside: beside instanceof Promise ? beside : undefined,
    contents: ownContentList(contents),
  };
}

/** The `contents` of a `checkInput` verdict that came `beside` the call. May throw. @internal */
export function contentsOf(value: unknown): unknown {
  return ownContentList(fieldsNamed(value, ['contents']).contents);
}

/**
 * What `checkAnswer` returned: the text, who rewrote it, and the output (`hasOutput`: whether
 * it has an `output` key; `{ output: undefined }` clears it). May throw. @internal
 */
export function answerChangeOf(value: unknown): {
  readonly text: unknown;
  readonly by: unknown;
  readonly output: unknown;
  readonly hasOutput: boolean;
} {
  const { text, by, output } = fieldsNamed(value, ['text', 'by', 'output']);
  const hasOutput = typeof value === 'object' && value !== null && 'output' in value;
  return { text, by, output, hasOutput };
}

/**
 * What `afterAnswer` returned (`finish`, `run-again` or `hand-off`), the fields of each; a
 * hand-off made of them is the run's own object ({@link answerHandOffOf}), not the plugin's,
 * which the take-over would read again later. May throw. @internal
 */
export type AnswerOutcome = {
  readonly type: unknown;
  readonly reason: unknown;
  readonly contents: unknown;
  readonly to: unknown;
  readonly name: unknown;
  readonly filter: unknown;
};

/** {@link AnswerOutcome} of a hook's value. May throw (a getter, a proxy trap). @internal */
export function answerOutcomeOf(value: unknown): AnswerOutcome {
  const fields = fieldsNamed(value, ['type', 'reason', 'contents', 'to', 'name', 'filter']);
  return { ...fields, contents: ownContentList(fields.contents) };
}

/** The hand-off an `afterAnswer` returned, from its fields (checked: `checkHandOff`). @internal */
export function answerHandOffOf(fields: AnswerOutcome): HandOffOutcome {
  return { ...handOffOf(fields), contents: fields.contents as HandOffOutcome['contents'] };
}
