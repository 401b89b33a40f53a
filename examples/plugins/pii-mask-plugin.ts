// A plugin written outside gemloop, with public imports only (issue 53, item 3): it masks e-mail
// addresses and phone numbers in what tools return before the model sees them, and restores them
// in the arguments the model sends back to tools. The model works with `[EMAIL_1]`; the tools and
// the app see the real values. Use it in runs, streams, chat sessions (pass one vault per
// conversation so a token from an earlier turn still restores), subagents (`inherit`), and
// durable runs (it is deterministic: nothing to record).

import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** What the plugin matches. Deliberately simple; bring your own patterns for production. */
const PATTERNS: readonly { kind: 'EMAIL' | 'PHONE'; pattern: RegExp }[] = [
  { kind: 'EMAIL', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  { kind: 'PHONE', pattern: /\+?\d[\d ()-]{7,}\d/g },
];
const TOKEN = /\[(?:EMAIL|PHONE)_\d+\]/g;

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
   * tokens of an earlier turn (in the history the model sees) still restore.
   */
  vault?: PiiVault | undefined;
  /** Apply to the subagents of the run too. @defaultValue true */
  inherit?: boolean | undefined;
};

/** The plugin: masks tool results, restores tool arguments, reports counts (never values). */
export function piiMask(options: PiiMaskOptions = {}): AgentPlugin<PiiVault> {
  return definePlugin({
    name: 'pii-mask',
    inherit: options.inherit ?? true,
    startRun: () => options.vault ?? createPiiVault(),
    afterToolCall: ({ result, toolName }, run) => {
      let masked = 0;
      const next = mapStrings(result, (text) => {
        let out = text;
        for (const { kind, pattern } of PATTERNS) {
          out = out.replace(pattern, (value) => {
            masked++;
            return tokenFor(run.state, kind, value);
          });
        }
        return out;
      });
      if (masked === 0) return undefined;
      run.emit('masked', { toolName, values: masked });
      return { result: next };
    },
    beforeToolCall: ({ args, toolName }, run) => {
      let restored = 0;
      const next = mapStrings(args, (text) =>
        text.replace(TOKEN, (token) => {
          const value = run.state.values.get(token);
          if (value === undefined) return token;
          restored++;
          return value;
        }),
      );
      if (restored === 0) return undefined;
      run.emit('restored', { toolName, values: restored });
      return { type: 'args', args: next as Record<string, unknown> };
    },
  });
}

function tokenFor(vault: PiiVault, kind: string, value: string): string {
  const known = vault.tokens.get(value);
  if (known !== undefined) return known;
  const token = `[${kind}_${vault.tokens.size + 1}]`;
  vault.tokens.set(value, token);
  vault.values.set(token, value);
  return token;
}

/** A copy of `value` with every string passed through `map` (objects and arrays walked). */
function mapStrings(value: unknown, map: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return map(value);
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, map, depth + 1);
  return out;
}
