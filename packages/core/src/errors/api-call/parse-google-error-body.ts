import { setOwnKey } from '../../shared/set-own-key.ts';
import type { GoogleErrorDetail } from '../../wire/error-body.ts';
import { renameToCamelCase } from '../../wire/rename-to-camel-case.ts';

/** What {@link parseGoogleErrorBody} found in an error body. Every field may be missing. */
export type ParsedGoogleError = {
  /** `error.code`: the HTTP status the server meant (also inside a 200 stream). */
  code?: number | undefined;
  /** `error.status`: the `google.rpc.Code` name, e.g. `RESOURCE_EXHAUSTED`. */
  googleStatus?: string | undefined;
  /** `error.message`, unmodified. */
  apiMessage?: string | undefined;
  /** `error.details`, only the entries that are objects. */
  details: GoogleErrorDetail[];
  /** Whether the body had the Google `{ error: {...} }` shape at all. */
  isGoogleError: boolean;
};

/**
 * Reads a Google error body: `{"error":{code,message,status,details}}`, the array-wrapped form
 * `[{"error":...}]` (streamGenerateContent without `alt=sse`, Cloud Code Assist), or anything else
 * (a proxy's HTML page, a gateway's own JSON), which yields `isGoogleError: false`.
 *
 * Lenient by design: a field of the wrong type is skipped, never an exception, because this runs on
 * the error path where a second failure would hide the first.
 * @internal
 */
export function parseGoogleErrorBody(body: unknown): ParsedGoogleError {
  const root = Array.isArray(body) ? body[0] : body;
  if (!isRecord(root)) return { details: [], isGoogleError: false };
  const error = root['error'];
  if (!isRecord(error)) {
    // Some gateways answer `{"message": "..."}` or `{"error": "text"}`; keep the text if there is one.
    const apiMessage = stringOrUndefined(root['message']) ?? stringOrUndefined(error);
    return { apiMessage, details: [], isGoogleError: false };
  }
  const code = error['code'];
  const details = Array.isArray(error['details'])
    ? (error['details'].filter(isShallowRecord).map(toCamelCaseDetail) as GoogleErrorDetail[])
    : [];
  return {
    code: readCode(code),
    googleStatus: stringOrUndefined(error['status']),
    apiMessage: stringOrUndefined(error['message']),
    details,
    isGoogleError: true,
  };
}

/**
 * Parses a raw response text as JSON, returning `undefined` instead of throwing.
 * @internal
 */
export function tryParseJson(text: string): unknown {
  // Cheap pre-check: HTML pages and plain-text bodies skip the exception path entirely.
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `error.code`: an integer, or the same written as a string of three digits (`"429"`), as some
 * gateways write it. Read as no code, a 200 stream's `{"code":"503"}` error was not retried, and
 * a 429 got no quota advice (attack60b).
 */
function readCode(code: unknown): number | undefined {
  if (typeof code === 'number') return Number.isInteger(code) ? code : undefined;
  return typeof code === 'string' && /^[1-5]\d\d$/.test(code) ? Number(code) : undefined;
}

/**
 * How deep a detail may nest: Google's are 3 or 4 levels (`QuotaFailure.violations[].quotaId`).
 * A deeper one is dropped: it stays on the error (`details`, so `toJSON()`), and `JSON.stringify`
 * overflows the stack a few thousand levels down, where `JSON.parse` read it whole. A logger or
 * span exporter serialising the error then threw (attack60b).
 */
const MAX_DETAIL_DEPTH = 32;

/** An object whose values nest at most {@link MAX_DETAIL_DEPTH} levels (walked without recursion). */
function isShallowRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > MAX_DETAIL_DEPTH) return false;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return true;
}

/**
 * A detail a gateway wrote in the proto field names (`retry_delay`, `quota_id`,
 * `field_violations`: proto3 JSON readers take both spellings) in the API's camelCase ones, as a
 * snake_case gateway's answers are read (rename-to-camel-case.ts). Read as they came, its 429's
 * RetryInfo delay was not waited for (backoff instead) and a spent daily quota was retried
 * (attack60b). An `ErrorInfo`'s `metadata` is a map of the server's own keys: kept as spelled.
 */
function toCamelCaseDetail(detail: Record<string, unknown>): Record<string, unknown> {
  if (!hasSnakeKey(detail)) return detail;
  const renamed = renameToCamelCase(detail) as Record<string, unknown>;
  if (Object.hasOwn(detail, 'metadata')) setOwnKey(renamed, 'metadata', detail['metadata']);
  return renamed;
}

/** Whether a key with an inner `_` is in `detail`, outside its `metadata` (walked without recursion). */
function hasSnakeKey(detail: Record<string, unknown>): boolean {
  const pending: unknown[] = [detail];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== 'object' || next === null) continue;
    for (const [key, value] of Object.entries(next)) {
      if (next === detail && key === 'metadata') continue;
      if (SNAKE_KEY.test(key)) return true;
      pending.push(value);
    }
  }
  return false;
}

const SNAKE_KEY = /[a-z0-9]_[a-z0-9]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
