import type { EvalDrift } from '../eval-result.ts';
import { firstDifference } from '../scorers/deep-equal.ts';

/** The request fields whose change is drift: what the model is asked, with what tools. */
const COMPARED = ['contents', 'systemInstruction', 'tools', 'toolConfig'] as const;

/**
 * The first difference between the requests an agent sent now and the recorded ones, or
 * `undefined`. Thought signatures are left out (the recorder shortens them; the fake issues its
 * own), as is everything but the prompt, the history, the tools and the tool config.
 */
export function findDrift(
  recorded: readonly unknown[],
  sent: readonly unknown[],
): EvalDrift | undefined {
  const calls = Math.min(recorded.length, sent.length);
  for (let call = 0; call < calls; call++) {
    const path = requestDifference(recorded[call], sent[call]);
    if (path !== undefined) {
      return {
        call,
        path,
        reason: `model call ${call + 1}: the request differs at ${path}${describe(path)}`,
      };
    }
  }
  if (sent.length > recorded.length) {
    return {
      call: recorded.length,
      path: '$',
      reason: `the agent made ${sent.length} model calls, the recording has ${recorded.length}`,
    };
  }
  return undefined;
}

/**
 * Where a request differs from a recorded one, as findDrift compares them (prompt, history,
 * tools, tool config; no thought signatures), or `undefined` when it is the same. @internal
 */
export function requestDifference(recorded: unknown, sent: unknown): string | undefined {
  return firstDifference(pick(recorded), pick(sent));
}

function describe(path: string): string {
  if (path.startsWith('$.systemInstruction')) return ' (the system prompt changed)';
  if (path.startsWith('$.tools')) return ' (the tool list changed)';
  if (path.includes('functionCall') || path.includes('functionResponse'))
    return ' (a tool call or result changed)';
  if (path.startsWith('$.contents')) return ' (the conversation changed)';
  return '';
}

function pick(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof body !== 'object' || body === null) return out;
  const record = body as Record<string, unknown>;
  for (const key of COMPARED) {
    if (record[key] !== undefined) out[key] = withoutSignatures(record[key], 0);
  }
  return out;
}

function withoutSignatures(value: unknown, depth: number): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => withoutSignatures(item, depth + 1));
  // fromEntries defines each key as data: `out[key] =` with a `__proto__` key (an argument a
  // model may name so) would set the prototype instead, and that argument would never drift.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'thoughtSignature' && key !== 'thought_signature')
      .map(([key, item]) => [key, withoutSignatures(item, depth + 1)]),
  );
}
