// A plugin written outside gemloop, with public imports only (issue 53, item 3): it masks e-mail
// addresses and phone numbers in what tools return before the model sees them, and restores them
// in the arguments the model sends back to tools. The model works with `[EMAIL_1]`; the tools get
// the real values, and so does the app in a step's `toolCalls` (the answer keeps the tokens the
// model wrote). Use it in runs, streams, chat sessions (pass one vault per conversation so a token
// from an earlier turn still restores), subagents (`inherit`; pass one vault to the parent's
// plugin for the subagents' tokens to restore in the parent too), and durable runs (it is
// deterministic: nothing to record).
//
// What it does not mask: the user's own input (the model reads what the user typed), a number held
// as a JSON number (a phone stored as 4155550134), what a media part shows, and the app's own view:
// the run's stream and run files keep the tool's value (pages and the serving doors show the
// masked response the model got; docs/writing-a-plugin.md).

import { type AgentPlugin, definePlugin, type PluginRun } from '@gemloop/core/plugins';
import { isToolResultWithParts, toolResult } from '@gemloop/core/tools';

/** A kind of value to mask: its tokens read `[KIND_1]`. */
export type PiiPattern = {
  /** Upper-case letters only (the token's name): `EMAIL`, `IBAN`. */
  readonly kind: string;
  /** What to mask; the `g` flag is added when missing. */
  readonly pattern: RegExp;
  /** Keeps a match unmasked when it returns `false` (a date the pattern also matches). */
  readonly accept?: ((match: string) => boolean) | undefined;
};

// Letters, digits and marks of every script, and the format characters (a zero-width space) a
// value may hide behind: an address the model can read is an address to mask.
const EMAIL_CHAR = String.raw`[\p{L}\p{N}\p{M}\p{Cf}._%+\-]`;
const DOMAIN_CHAR = String.raw`[\p{L}\p{N}\p{M}\p{Cf}\-]`;
/** The defaults: deliberately simple; bring your own patterns (`patterns`) for production. */
export const DEFAULT_PII_PATTERNS: readonly PiiPattern[] = [
  {
    kind: 'EMAIL',
    // `＠` and `﹫` read as `@`, and `．` `。` as a dot, to the model as to a person.
    // Only from where a run of such characters starts: tried at each of them, a page of text with
    // no `@` took time in the square of its length (a 1 MB result held the process for minutes).
    pattern: new RegExp(
      `(?<!${EMAIL_CHAR})${EMAIL_CHAR}+[@＠﹫]${DOMAIN_CHAR}+(?:[.．。｡]${DOMAIN_CHAR}+)+`,
      'gu',
    ),
  },
  {
    kind: 'PHONE',
    // Any script's digits (`４１５`), separated by spaces, dashes, dots or brackets.
    pattern: /[+＋]?\p{Nd}[\p{Nd}\p{Cf} ().\-‐-―]{7,}\p{Nd}/gu,
    accept: (match) => !NOT_A_PHONE.test(match.normalize('NFKC')),
  },
];
// A date (`2026-12-02`, `02.12.2026`, then a time's hour), an IPv4 address, a decimal number.
const NOT_A_PHONE =
  /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})(?:\D|$)|^\d{1,3}(?:\.\d{1,3}){3}$|^\d+\.\d+$/;

/** The tokens of one conversation: value to token and back. */
export type PiiVault = {
  readonly tokens: Map<string, string>;
  readonly values: Map<string, string>;
};

/** A new, empty vault (one per conversation: a chat session's sends share it). */
export function createPiiVault(): PiiVault {
  return { tokens: new Map(), values: new Map() };
}

/** Options of {@link piiMask}. */
export type PiiMaskOptions = {
  /**
   * Where tokens are kept. Leave it out for one vault per run; give one per chat session so the
   * tokens of an earlier turn (in the history the model sees) still restore. Never share one
   * between users: a token restores to its value in any run that holds the vault.
   */
  vault?: PiiVault | undefined;
  /** Apply to the subagents of the run too. @defaultValue true */
  inherit?: boolean | undefined;
  /** What to mask. @defaultValue {@link DEFAULT_PII_PATTERNS} */
  patterns?: readonly PiiPattern[] | undefined;
  /**
   * The tools whose arguments get the real values back (a mail tool, the CRM). Every tool a value
   * is restored into can hand it back changed past what the patterns see (spelled out, base64,
   * translated) for the model to read, so name the tools that need it. @defaultValue every tool
   */
  restoreInto?: readonly string[] | undefined;
};

/** The plugin: masks tool results, restores tool arguments, reports counts (never values). */
export function piiMask(options: PiiMaskOptions = {}): AgentPlugin<PiiVault> {
  const patterns = (options.patterns ?? DEFAULT_PII_PATTERNS).map(checkedPattern);
  // What the model may write for a token: `[EMAIL_1]`, and the same mangled (`[email 1]`, `［EMAIL_01］`).
  const kinds = patterns.map(({ kind }) => kind).join('|');
  const tokenPattern = new RegExp(String.raw`[\[［]\s*(${kinds})[\s_\-]*(\d{1,9})\s*[\]］]`, 'giu');
  // A vault given by the app is shared on purpose (a chat session, a parent and its subagents), so
  // its own tokens in a tool's result mean what they meant; in a run's own vault every token in a
  // result came from elsewhere (another turn, a subagent, the data itself).
  const sharedVault = options.vault !== undefined;
  return definePlugin({
    name: 'pii-mask',
    inherit: options.inherit ?? true,
    startRun: () => options.vault ?? createPiiVault(),
    afterToolCall: ({ result, toolName }, run) => {
      const masker = createMasker(run, patterns, tokenPattern, sharedVault);
      const response = isToolResultWithParts(result) ? result.response : result;
      let next = mapStrings(response, (text) => masker.mask(text), new Set());
      // A result cut to a size (the `toolOutput` option's, read back a slice at a time by
      // `read_tool_output`) comes here cut, so an address can straddle the cut: `dana.smith@e`
      // in one result, `xample.com` in the next. What touches a cut is masked whole.
      const cut = cutEdges(next);
      if (cut !== undefined) next = { ...cut.value, [cut.key]: masker.maskEdges(cut) };
      if (masker.masked === 0) return undefined;
      run.emit('masked', { toolName, values: masker.masked });
      // A toolResult() value is made again, so its media stay media (writing-a-plugin.md).
      if (isToolResultWithParts(result)) {
        return {
          result: toolResult({ response: next as Record<string, unknown>, parts: result.parts }),
        };
      }
      return { result: next };
    },
    // A tool that throws tells the model its message (`find failed: no account for dana@…`):
    // masked as a result is, the original kept as the `cause` (never sent to the model).
    wrapToolCall: async ({ toolName }, next, run) => {
      const execution = await next();
      if (execution.type !== 'error') return execution;
      const masker = createMasker(run, patterns, tokenPattern, sharedVault);
      const thrown = execution.error;
      const message = masker.mask(thrown instanceof Error ? thrown.message : String(thrown));
      if (masker.masked === 0) return execution;
      run.emit('masked', { toolName, values: masker.masked });
      const error = new Error(message, { cause: thrown });
      if (thrown instanceof Error) error.name = thrown.name;
      return { type: 'error', error };
    },
    beforeToolCall: ({ args, toolName }, run) => {
      // A tool not named gets the tokens as the model wrote them.
      if (options.restoreInto !== undefined && !options.restoreInto.includes(toolName)) return;
      let restored = 0;
      const unknown = new Set<string>();
      const next = mapStrings(
        args,
        (text) =>
          text.replace(tokenPattern, (written, kind: string, index: string) => {
            const token = canonical(kind, index);
            const value = run.state.values.get(token);
            if (value === undefined) {
              unknown.add(written);
              return written;
            }
            restored++;
            return value;
          }),
        new Set(),
      );
      if (unknown.size > 0) {
        // A token the model invented, mangled past reading, or kept from a run whose vault is
        // gone: running the tool with it would act on a placeholder (or, renumbered, on another
        // person's value), so the model is told to look the value up again.
        run.emit('unknown-tokens', { toolName, tokens: unknown.size });
        return {
          type: 'deny',
          message: `${[...unknown].join(', ')} ${unknown.size === 1 ? 'is' : 'are'} not a value masked in this conversation: use a token exactly as a tool result gave it, or look the value up again.`,
        };
      }
      if (restored === 0) return undefined;
      run.emit('restored', { toolName, values: restored });
      return { type: 'args', args: next as Record<string, unknown> };
    },
  });
}

/** Masks the strings of one tool result into the run's vault, counting what it masked. */
function createMasker(
  run: PluginRun<PiiVault>,
  patterns: readonly PiiPattern[],
  tokenPattern: RegExp,
  sharedVault: boolean,
) {
  const vault = run.state;
  let taken: Set<string> | undefined;
  function tokenFor(kind: string, value: string): string {
    masker.masked++;
    const known = vault.tokens.get(value);
    if (known !== undefined) return known;
    // Never a token the history already shows (an earlier turn's, a subagent's answer): the model
    // would take the new value for the old one, and a tool would act on the wrong person's.
    taken ??= tokensIn(JSON.stringify(run.contents), tokenPattern);
    let index = vault.tokens.size + 1;
    while (vault.values.has(`[${kind}_${index}]`) || taken.has(`[${kind}_${index}]`)) index++;
    const token = `[${kind}_${index}]`;
    vault.tokens.set(value, token);
    vault.values.set(token, value);
    return token;
  }
  function mask(text: string): string {
    // Token-shaped text first: it is masked as a value of its own (the tool gets it back as it
    // was), unless a shared vault made it, so it never reads as one of this run's tokens.
    let out = text.replace(tokenPattern, (written, kind: string) =>
      sharedVault && vault.values.has(written) ? written : tokenFor(kind.toUpperCase(), written),
    );
    for (const { kind, pattern, accept } of patterns) {
      out = out.replace(pattern, (value) =>
        vault.values.has(value) || (accept !== undefined && !accept(value))
          ? value
          : tokenFor(kind, value),
      );
    }
    return out;
  }
  /** Masks the word, address or number touching a cut edge of `cut`'s text. */
  function maskEdges({ text, start, end }: CutText): string {
    let out = text;
    if (end) {
      const [kind, fragment] = edgeFragment(out, 'end');
      if (fragment !== '') out = out.slice(0, -fragment.length) + tokenFor(kind, fragment);
    }
    if (start) {
      const [kind, fragment] = edgeFragment(out, 'start');
      if (fragment !== '') out = tokenFor(kind, fragment) + out.slice(fragment.length);
    }
    return out;
  }
  const masker = { masked: 0, mask, maskEdges };
  return masker;
}

// What may be part of a number, or of an address, where a text was cut.
const PHONE_CHAR = /^[+＋\p{Nd}\p{Cf} ().\-‐-―]$/u;
const WORD_CHAR = new RegExp(`^(?:${EMAIL_CHAR}|[@＠﹫.．。｡])$`, 'u');

/** The longer of the number and the word that touch `text`'s `edge`, and its kind. */
function edgeFragment(text: string, edge: 'start' | 'end'): ['PHONE' | 'EMAIL', string] {
  // A number starts with a digit or `+` and ends with a digit (or where the text was cut).
  const found = run(text, edge, PHONE_CHAR);
  const number =
    edge === 'end' ? found.replace(/^[^+＋\p{Nd}]+/u, '') : found.replace(/[^\p{Nd}]+$/u, '');
  const word = run(text, edge, WORD_CHAR);
  return /\p{Nd}/u.test(number) && number.length >= word.length
    ? ['PHONE', number]
    : ['EMAIL', word];
}

/** The characters at `text`'s `edge` that `char` matches, one code point at a time. */
function run(text: string, edge: 'start' | 'end', char: RegExp): string {
  const points = Array.from(edge === 'end' ? text.slice(-1000) : text.slice(0, 1000));
  if (edge === 'end') points.reverse();
  let length = 0;
  for (const point of points) {
    if (!char.test(point)) break;
    length += point.length;
  }
  return edge === 'end' ? text.slice(text.length - length) : text.slice(0, length);
}

/** A text of a result whose start or end is a cut, not the tool's own edge. */
type CutText = {
  value: Record<string, unknown>;
  key: string;
  text: string;
  start: boolean;
  end: boolean;
};

/**
 * The cut text of a result gemloop cut: `{ output, gemloopTruncated }` (the `toolOutput` option),
 * `{ text, offset, totalLength, done }` (a slice `read_tool_output` read).
 */
function cutEdges(value: unknown): CutText | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  if (typeof fields['gemloopTruncated'] === 'string' && typeof fields['output'] === 'string') {
    return { value: fields, key: 'output', text: fields['output'], start: false, end: true };
  }
  const { text, offset, totalLength, done } = fields;
  if (typeof text === 'string' && typeof offset === 'number' && typeof totalLength === 'number') {
    return { value: fields, key: 'text', text, start: offset > 0, end: done !== true };
  }
  return undefined;
}

function canonical(kind: string, index: string): string {
  return `[${kind.toUpperCase()}_${Number(index)}]`;
}

function tokensIn(text: string, tokenPattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(tokenPattern))
    found.add(canonical(match[1] ?? '', match[2] ?? ''));
  return found;
}

function checkedPattern(pattern: PiiPattern): PiiPattern {
  if (!/^[A-Z]+$/.test(pattern.kind)) {
    throw new TypeError(
      `piiMask: a pattern's kind is upper-case letters (got ${JSON.stringify(pattern.kind)}).`,
    );
  }
  const flags = pattern.pattern.flags.includes('g')
    ? pattern.pattern.flags
    : `${pattern.pattern.flags}g`;
  return { ...pattern, pattern: new RegExp(pattern.pattern.source, flags) };
}

/**
 * A copy of `value` with every string, object key included, passed through `map`, read as JSON
 * reads it (`toJSON()`: a Date is its ISO string; an Error its name and message), at any depth: a
 * value left unread would reach the model unmasked. What JSON cannot hold (a cycle, a Map) is left
 * as it is, for gemloop to refuse as it refuses it from a tool.
 */
function mapStrings(value: unknown, map: (text: string) => string, above: Set<object>): unknown {
  if (typeof value === 'string') return map(value);
  if (typeof value !== 'object' || value === null || above.has(value)) return value;
  if (value instanceof Error)
    return mapStrings({ name: value.name, message: value.message }, map, above);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return mapStrings(toJSON.call(value), map, above);
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) return value;
  above.add(value);
  const out = Array.isArray(value)
    ? value.map((item) => mapStrings(item, map, above))
    : Object.fromEntries(
        Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map, above)]),
      );
  above.delete(value);
  return out;
}
