import type { Content, Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { AnyTool } from '../tool.ts';
import { checkSecretArguments, REDACTED_ARGUMENT, redactArguments } from './redact-arguments.ts';

/**
 * Redacts the secret arguments of an agent's tools (their `secretArguments`) from what is
 * observed outside the run: a call's arguments, and the `functionCall` parts of contents and
 * responses. Every method returns its input itself when nothing in it is secret, and copies only
 * what it changes: the run's own history is never touched.
 * @internal
 */
export type ArgumentRedactor = {
  /** `args` of a call to `toolName`, redacted. */
  args<Args>(toolName: string, args: Args): Args;
  /** `contents` with the arguments of every secret call redacted. */
  contents(contents: readonly Content[]): readonly Content[];
  /** `parts` with the arguments of every secret call redacted. */
  parts(parts: readonly Part[]): readonly Part[];
  /** `response` with the arguments of the calls of its candidates redacted. */
  response(response: GenerateContentResponse): GenerateContentResponse;
};

/**
 * The redactor of `tools`, or `undefined` when none declares secret arguments (then nothing is
 * copied anywhere).
 * @throws {@link InvalidArgumentError} for a tool whose `secretArguments` is not a list of paths.
 * @internal
 */
export function createArgumentRedactor(tools: Iterable<AnyTool>): ArgumentRedactor | undefined {
  const secrets = new Map<string, readonly (readonly string[])[]>();
  for (const tool of tools) {
    if (tool.kind !== 'function') continue;
    const paths = checkSecretArguments(tool.secretArguments, tool.name);
    // Two agents of a run (a handoff's) may each have a tool of that name: every path is secret.
    if (paths !== undefined && paths.length > 0)
      secrets.set(tool.name, [...(secrets.get(tool.name) ?? []), ...paths]);
  }
  if (secrets.size === 0) return undefined;

  const args = <Args>(toolName: string, value: Args): Args => {
    const paths = secrets.get(toolName);
    if (paths === undefined) return value;
    // Arguments that are a string, number or boolean (a relay's JSON text,
    // `'{"password":"hunter2"}'`) hold the secret where no path reaches: all of it goes. Passed
    // as they came, they reached a Live session's ToolInputError once its tool refused them
    // (attack57b), and a run's recording the same way.
    if (value !== null && value !== undefined && typeof value !== 'object')
      return REDACTED_ARGUMENT as Args;
    return redactArguments(value, paths);
  };
  const part = (value: Part): Part => {
    const call = value.functionCall;
    if (call === undefined || call.name === undefined || !secrets.has(call.name)) return value;
    const redacted = args(call.name, call.args);
    return redacted === call.args ? value : { ...value, functionCall: { ...call, args: redacted } };
  };
  const content = <Value extends { parts?: Part[] | undefined }>(value: Value): Value => {
    if (!Array.isArray(value?.parts)) return value;
    const parts = mapSame(value.parts, part);
    return parts === value.parts ? value : { ...value, parts };
  };
  return {
    args,
    contents: (value) => mapSame(value, content),
    parts: (value) => mapSame(value, part),
    response(value) {
      const candidates = value.candidates;
      if (!Array.isArray(candidates)) return value;
      const redacted = mapSame(candidates, (candidate) => {
        const before = candidate.content;
        if (before === undefined) return candidate;
        const after = content(before);
        return after === before ? candidate : { ...candidate, content: after };
      });
      return redacted === candidates ? value : { ...value, candidates: redacted };
    },
  };
}

/** `items.map(fn)`, or `items` itself when `fn` changed nothing. */
function mapSame<Item>(items: readonly Item[], fn: (item: Item) => Item): Item[] {
  let copy: Item[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as Item;
    const mapped = fn(item);
    if (mapped !== item) {
      copy ??= items.slice(0, index);
    }
    copy?.push(mapped);
  }
  return copy ?? (items as Item[]);
}
