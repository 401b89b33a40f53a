import { MAX_TIMER_MS } from '@gemloop/core/internal';
import type { FakeFault, FakeFaultRule } from '@gemloop/testing';
import { CliFlagError } from '../cli-flag-error.ts';
import { quotedValue } from '../escape-controls.ts';

/** The fault types `--fault` takes (every `FakeFault` but `http-error`, which needs a body). */
export const FAULT_TYPES = [
  'rate-limit',
  'daily-quota',
  'internal',
  'overloaded',
  'latency',
  'connection-reset',
  'truncated-stream',
  'stream-error',
  'malformed-chunk',
  'malformed-function-call',
  'too-many-tool-calls',
  'safety',
  'blocked-prompt',
  'empty-candidates',
] as const;

const STREAM_FAULTS: ReadonlySet<string> = new Set([
  'connection-reset',
  'truncated-stream',
  'stream-error',
  'malformed-chunk',
]);

/** The form of `--fault`, for its help and its errors. */
export const FAULT_FORM =
  'TYPE[:p=0.1][,times=N][,call=N][,ms=N (latency)][,after=N (stream faults)][,delay=S (rate-limit)]';

/**
 * Reads one `--fault` value, `TYPE[:key=value,...]`, into a fault rule of the fake: the type (one
 * of {@link FAULT_TYPES}), `p` (the chance a model call fails, 0 to 1), `times` (at most that many
 * injections), `call` (only the model call with that 0-based index), `ms` (latency's delay,
 * required for it, at most 2147483647: Node's longest timer), `after` (the events a broken stream
 * delivers first), `delay` (rate-limit's RetryInfo seconds). Without `p`, `times` or `call` every model call gets the fault.
 * @throws {@link CliFlagError} naming `--fault`, the part at fault and the accepted form.
 */
export function parseFaultFlag(text: string): FakeFaultRule {
  const refuse = (why: string): never => {
    throw new CliFlagError({
      flag: '--fault',
      value: text,
      accepted: [FAULT_FORM, ...FAULT_TYPES],
      message: `--fault ${quotedValue(text)}: ${why}. Write --fault ${FAULT_FORM}; the types are ${FAULT_TYPES.join(', ')}.`,
    });
  };
  const [type = '', settings] = splitOnce(text, ':');
  if (!(FAULT_TYPES as readonly string[]).includes(type)) {
    refuse(`unknown fault type ${quotedValue(type)}`);
  }
  const read = new Map<string, number>();
  for (const setting of settings === undefined || settings === '' ? [] : settings.split(',')) {
    const [key = '', value] = splitOnce(setting, '=');
    if (!['p', 'times', 'call', 'ms', 'after', 'delay'].includes(key)) {
      refuse(`unknown setting ${quotedValue(key)}`);
    }
    const number = value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) refuse(`${key} needs a number, as ${key}=1`);
    if (key !== 'p' && key !== 'delay' && !Number.isInteger(number)) {
      refuse(`${key} must be a whole number`);
    }
    if (key === 'p' && number > 1) refuse('p is a chance from 0 to 1');
    if (key === 'times' && number < 1) refuse('times must be at least 1');
    if (key === 'ms' && type !== 'latency') refuse('ms is the delay of a latency fault only');
    // A longer timer is set to 1 ms by Node (TimeoutOverflowWarning): the fault would not delay.
    if (key === 'ms' && number > MAX_TIMER_MS)
      refuse(`ms is at most ${MAX_TIMER_MS} (about 24 days)`);
    if (key === 'after' && !STREAM_FAULTS.has(type)) {
      refuse(`after applies to the stream faults only (${[...STREAM_FAULTS].join(', ')})`);
    }
    if (key === 'delay' && type !== 'rate-limit') refuse('delay applies to rate-limit only');
    read.set(key, number);
  }
  if (type === 'latency' && !read.has('ms')) refuse('latency needs its delay, as latency:ms=500');
  const fault = {
    type,
    ...(read.has('ms') && { ms: read.get('ms') }),
    ...(read.has('after') && { afterChunks: read.get('after') }),
    ...(read.has('delay') && { retryDelaySeconds: read.get('delay') }),
  } as FakeFault;
  return {
    fault,
    ...(read.has('p') && { probability: read.get('p') }),
    ...(read.has('times') && { times: read.get('times') }),
    ...(read.has('call') && { on: read.get('call') }),
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
