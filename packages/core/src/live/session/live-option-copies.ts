import { picosPerToken, type UsdPerMillion } from '../../models/usd.ts';
import { describeValue, invalidOption, type OptionCheck } from '../../options/define-options.ts';
import { cutName } from '../../shared/cut-text.ts';
import type { LivePrice } from '../live-cost.ts';

// The checks of createLiveSession's options that hold a list or a map of the caller's values:
// each checked and copied with its fields read once (live-session-options.ts declares them).

/** `LivePendingCall` (live-session-options.ts), as its check copies one. */
type PendingCall = {
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly idless?: boolean | undefined;
};

/** A {@link PendingCall} as a session's `tool-call` event gives one: its fields read once. */
function pendingCallOf(value: unknown): PendingCall | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, name, args, idless } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  if (idless !== undefined && typeof idless !== 'boolean') return undefined;
  // Arguments as the call's event had them: not always an object (a server's JSON text goes to
  // the tool's schema, which refuses it), so any value but a missing one, read as none.
  return { id, name, args: (args ?? {}) as Record<string, unknown>, ...(idless ? { idless } : {}) };
}

/**
 * `pendingCalls` of `createLiveSession`: a list of calls, each copied with its fields read once. Checked as an array
 * only, an entry `null` threw a TypeError, a call without a name an unhandled rejection (the call
 * never answered), and a number id went to the server as the answer's id (attack60). @internal
 */
export const pendingCallsOption: OptionCheck = Object.assign(
  (value: unknown, path: string) => {
    copyPendingCalls(value, path);
  },
  { copy: (value: unknown, path: string): unknown => copyPendingCalls(value, path) },
);

function copyPendingCalls(value: unknown, path: string): PendingCall[] {
  let list: unknown[] | undefined;
  try {
    list = Array.isArray(value) ? [...value] : undefined;
  } catch {}
  if (list === undefined) {
    throw invalidOption(
      path,
      `${path} must be an array of { id, name, args, idless? } (the tool-call events of calls an earlier process left unanswered); got ${describeValue(value)}.`,
    );
  }
  return list.map((item, index) => {
    let call: PendingCall | undefined;
    // A getter or a proxy trap that throws is the option's typed error, as every option's.
    try {
      call = pendingCallOf(item);
    } catch {}
    if (call !== undefined) return call;
    throw invalidOption(
      `${path}[${index}]`,
      `${path}[${index}] must be { id, name, args, idless? } with id and name strings (a tool-call event's toolCallId and toolName) and idless a boolean; got ${describeValue(item)}.`,
    );
  });
}

/** The rates of a {@link LivePrice}, each checked as `liveCostOf` reads it. */
const PRICE_RATES = ['input', 'audioInput', 'output', 'audioOutput'] as const;

/**
 * `prices` of `createLiveSession`: an object of {@link LivePrice}s by model id, each rate checked as `liveCostOf` reads
 * it, copied with each field read once. Checked as an object only, a price without `audioInput`
 * (or with `'abc'`) threw from the socket's message handler at the first usage report: an
 * uncaught exception (a Node process's end by default), the report lost (attack60). @internal
 */
export const pricesOption: OptionCheck = Object.assign(
  (value: unknown, path: string) => {
    copyPrices(value, path);
  },
  { copy: (value: unknown, path: string): unknown => copyPrices(value, path) },
);

function copyPrices(value: unknown, path: string): Record<string, LivePrice> {
  let entries: [string, unknown][] | undefined;
  try {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      entries = Object.entries(value);
  } catch {}
  if (entries === undefined) {
    throw invalidOption(
      path,
      `${path} must be an object of Live prices by model id (as LIVE_PRICES); got ${describeValue(value)}.`,
    );
  }
  const copies = entries.map(([model, price]): [string, LivePrice] => {
    const at = `${path}[${JSON.stringify(cutName(model))}]`;
    let read: LivePrice | string = 'it';
    try {
      read = priceOf(price);
    } catch {}
    if (typeof read !== 'string') return [model, read];
    throw invalidOption(
      at,
      `${at} must be a Live price { input, audioInput, output, audioOutput }, each US dollars per 1M tokens such as '0.75' or 0.75 (as LIVE_PRICES' are); ${read === 'it' ? `got ${describeValue(price)}` : `its ${read} is ${describeValue((price as Record<string, unknown>)[read])}`}.`,
    );
  });
  // Own properties whatever the model id (`__proto__` too), as liveCostOf reads them (hasOwn).
  return Object.fromEntries(copies);
}

/**
 * A {@link LivePrice} copy with each rate one `liveCostOf` prices with, or the name of the first
 * rate it cannot read (`'it'`: not an object); may throw (a getter, a proxy).
 */
function priceOf(value: unknown): LivePrice | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it';
  const price = { ...(value as Record<string, unknown>) };
  for (const rate of PRICE_RATES) {
    try {
      picosPerToken(price[rate] as UsdPerMillion, rate);
    } catch {
      return rate;
    }
  }
  const source = price['source'];
  return {
    input: price['input'] as UsdPerMillion,
    audioInput: price['audioInput'] as UsdPerMillion,
    output: price['output'] as UsdPerMillion,
    audioOutput: price['audioOutput'] as UsdPerMillion,
    source: typeof source === 'string' ? source : 'the session’s prices option',
  };
}
