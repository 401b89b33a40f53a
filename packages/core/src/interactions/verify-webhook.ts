import { WebhookSignatureError } from '../errors/interactions/webhook-signature-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  optionCheck,
} from '../options/define-options.ts';
import type { WebhookEventType } from './webhooks.ts';

// Gemini API static webhooks are signed as the Standard Webhooks spec says
// (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md; Google's
// ai.google.dev/gemini-api/docs/webhooks names the spec): `webhook-signature` holds
// space-separated `v1,<base64 HMAC-SHA256>` entries over `${webhook-id}.${webhook-timestamp}.${raw
// body}`, keyed by the base64 after the secret's `whsec_` prefix; several entries while secrets
// rotate. @google/genai ships no verifier (none in src/ at 2026-08), so this one is tested against
// the spec's own vector (libraries/javascript/src/webhook.test.ts, "sign function works").
// Dynamic webhooks (a per-request `webhook_config.uris`) are signed with RS256 JWTs instead; they
// are not verified here.

/** Five minutes either way, as the Standard Webhooks libraries allow. */
const DEFAULT_TOLERANCE_SECONDS = 300;
const MAX_SECRETS = 10;

/** A delivery's headers: a `Headers`, or a plain record (any case; an array value's first item). */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

/** What {@link verifyWebhook} takes. */
export type VerifyWebhookOptions = {
  /** The raw request body, exactly as received (a parsed and re-serialised body does not verify). */
  body: string | Uint8Array;
  headers: WebhookHeaders;
  /**
   * The signing secret (`whsec_...`), or several while a rotation is rolled out (the new and the
   * old): a delivery verifies when any signature matches any secret.
   */
  secret: string | readonly string[];
  /** The most `webhook-timestamp` may be from now, in seconds. @defaultValue 300 */
  toleranceSeconds?: number | undefined;
  /** The clock, in milliseconds since the epoch. @defaultValue Date.now */
  now?: (() => number) | undefined;
};

// attack14: `toleranceSeconds: NaN` made `age > NaN` false (a delivery of a year ago verified: a
// replay never refused), and a misspelt `tolerance` kept the default without a word.
const verifyWebhookOptions: DeclaredOptions<VerifyWebhookOptions> =
  defineOptions<VerifyWebhookOptions>({
    name: 'verifyWebhook',
    example: "{ body, headers, secret: 'whsec_...' }",
    checks: {
      // Read below, each with its own error (a missing header is the delivery's fault).
      body: checkedWhereUsed,
      headers: checkedWhereUsed,
      secret: checkedWhereUsed,
      toleranceSeconds: optionCheck(
        (value) => typeof value === 'number' && value >= 0,
        (path, value) =>
          `${path} must be a number of seconds of at least 0 (Infinity for no bound); got ${describeValue(value)}.`,
      ),
      now: functionOption(),
    },
  });

/** A verified delivery. */
export type VerifiedWebhook = {
  /** `webhook-id`: the delivery's id, the same on each retry of it (deduplicate by it). */
  id: string;
  /** `webhook-timestamp`, in seconds since the epoch. */
  timestamp: number;
  /** The parsed body: `{ type, data, ... }`. */
  event: WebhookEvent;
};

/**
 * A delivery's body. Google's reference does not publish its schema (ai.google.dev/api/webhooks
 * documents the resource, not the body); the handlers in use read `type` and `data.id` (the
 * interaction's or batch's id), with `user_metadata` from the request's `webhook_config`.
 */
export type WebhookEvent = {
  type: WebhookEventType;
  data?: { id?: string; [field: string]: unknown } | undefined;
  [field: string]: unknown;
};

/**
 * Verifies a webhook delivery of the Gemini API (Standard Webhooks signatures, HMAC-SHA256) and
 * returns it parsed. Uses Web Crypto, so it runs on Node, Deno, Bun, workers and browsers.
 * @throws {@link WebhookSignatureError} when a header is missing, the timestamp is outside the
 * tolerance, or no signature matches: answer such a request 401 and do not act on it.
 * @throws {@link InvalidArgumentError} when `body` is not the raw body (a string or its bytes),
 * `secret` is not a `whsec_` secret, an option is unknown or of the wrong kind, or `now()` gives no
 * number.
 *
 * @example
 * ```ts
 * const { event } = await verifyWebhook({
 *   body: await request.text(),
 *   headers: request.headers,
 *   secret: process.env['GEMINI_WEBHOOK_SECRET'] ?? '',
 * });
 * if (event.type === 'interaction.completed') console.log(event.data?.id);
 * ```
 */
export async function verifyWebhook(given: VerifyWebhookOptions): Promise<VerifiedWebhook> {
  // Each option read once (attack15): a getter cannot pass the check with 300 and then give NaN.
  const checked = checkOptionsCopy(verifyWebhookOptions, given);
  const { text: body, bytes } = rawBody(checked.body);
  const keys = await importSecrets(checked.secret, ['sign']);
  const id = header(checked.headers, 'webhook-id');
  const stamp = header(checked.headers, 'webhook-timestamp');
  const signature = header(checked.headers, 'webhook-signature');
  if (id === undefined || stamp === undefined || signature === undefined) {
    throw new WebhookSignatureError({
      reason: 'missing-header',
      webhookId: id,
      message:
        'The webhook delivery lacks a webhook-id, webhook-timestamp or webhook-signature header: it is not a signed Gemini API delivery.',
    });
  }
  if (!/^\d{1,12}$/.test(stamp)) {
    throw new WebhookSignatureError({
      reason: 'bad-timestamp',
      webhookId: id,
      message: 'The webhook-timestamp header is not a number of seconds.',
    });
  }
  const timestamp = Number(stamp);
  const tolerance = checked.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor((checked.now ?? Date.now)() / 1000);
  if (!Number.isFinite(now)) {
    throw new InvalidArgumentError({
      argument: 'now',
      message: `now() must return milliseconds since the epoch; it returned ${describeValue(now)}, so no delivery's age can be told.`,
    });
  }
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookSignatureError({
      reason: 'stale-timestamp',
      webhookId: id,
      message: `The webhook delivery is timestamped ${now - timestamp} s from now, past the ${tolerance} s tolerance: a replay, or a clock far off.`,
    });
  }
  // The bytes given, as they came (Standard Webhooks signs the raw body): their decoded text drops
  // a BOM and turns a byte that is no UTF-8 into U+FFFD, so a delivery signed over its bytes did
  // not verify, and bytes other than the signed ones could.
  const signed = concatBytes(new TextEncoder().encode(`${id}.${stamp}.`), bytes);
  const offered = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => fromBase64(entry.slice(3)))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined && bytes.length === 32);
  // Each secret's signature made once, then compared with every entry offered: anyone can POST to
  // the webhook's URL, and checking each entry with `subtle.verify` hashed the whole body once an
  // entry and a secret (300 forged entries in a 16 kB header, a megabyte body, two secrets: 600
  // hashes, seconds of a handler's time for one unsigned request; attack62c). As the Standard
  // Webhooks libraries do.
  let matched = false;
  for (const key of keys) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, toBuffer(signed)));
    for (const candidate of offered) {
      if (sameBytes(expected, candidate)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookSignatureError({
      reason: 'bad-signature',
      webhookId: id,
      message:
        'No webhook-signature of the delivery matches the signing secret: it was not signed by the Gemini API for this webhook (or the secret was rotated: pass the old and the new one).',
    });
  }
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    event = undefined;
  }
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof (event as { type?: unknown }).type !== 'string'
  ) {
    throw new WebhookSignatureError({
      reason: 'bad-body',
      webhookId: id,
      message: 'The signed webhook body is not a JSON event with a `type`.',
    });
  }
  return { id, timestamp, event: event as WebhookEvent };
}

/**
 * Signs a webhook body as the Gemini API does (Standard Webhooks `v1`): the `webhook-*` headers
 * for a delivery. For tests of a handler (and the fake's deliveries); each secret adds a
 * signature, as a rotation does.
 * @throws {@link InvalidArgumentError} when a secret is not a `whsec_` secret.
 */
export async function signWebhook(options: {
  id: string;
  /** Seconds since the epoch. */
  timestamp: number;
  body: string;
  secret: string | readonly string[];
}): Promise<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>> {
  const keys = await importSecrets(options.secret, ['sign']);
  const signed = new TextEncoder().encode(`${options.id}.${options.timestamp}.${options.body}`);
  const signatures: string[] = [];
  for (const key of keys) {
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, toBuffer(signed)));
    signatures.push(`v1,${toBase64(mac)}`);
  }
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(options.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * The delivery's body as its bytes (what the signature covers) and its text (what the event is
 * parsed from): the raw body a request gave, as a string (its UTF-8) or its bytes (any
 * `ArrayBuffer` or view of one, only the view's own bytes). Anything else is the caller's
 * mistake, named as such: a parsed body (`await request.json()`) threw TextDecoder's bare
 * `TypeError`, and a body never read (`undefined`) decoded as empty and was refused as a signature
 * no secret made, blaming the sender.
 */
function rawBody(body: unknown): { text: string; bytes: Uint8Array } {
  if (typeof body === 'string') return { text: body, bytes: new TextEncoder().encode(body) };
  if (typeof body === 'object' && body !== null) {
    try {
      const text = new TextDecoder().decode(body as Uint8Array);
      const bytes = ArrayBuffer.isView(body)
        ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
        : new Uint8Array(body as ArrayBuffer);
      return { text, bytes };
    } catch {
      // Not bytes: refused below.
    }
  }
  throw new InvalidArgumentError({
    argument: 'body',
    message: `body must be the raw request body, exactly as received (await request.text(), or its bytes); got ${describeValue(body)}. A parsed body does not verify.`,
  });
}

function concatBytes(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}

/**
 * Whether `a` and `b` hold the same bytes, in a time that does not depend on where they differ
 * (a signature's bytes must not leak through how long a refusal took).
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let at = 0; at < a.length; at++) difference |= (a[at] as number) ^ (b[at] as number);
  return difference === 0;
}

async function importSecrets(
  secret: string | readonly string[],
  usages: KeyUsage[],
): Promise<CryptoKey[]> {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_SECRETS) {
    throw new InvalidArgumentError({
      argument: 'secret',
      message: `secret must be the webhook's signing secret (whsec_...), or 1 to ${MAX_SECRETS} of them while a rotation rolls out.`,
    });
  }
  return Promise.all(
    list.map((one: unknown, index) => {
      const bytes =
        typeof one === 'string'
          ? fromBase64(one.startsWith('whsec_') ? one.slice(6) : one)
          : undefined;
      if (bytes === undefined || bytes.length === 0) {
        // Never the value: it is a secret, or a mistake next to one.
        throw new InvalidArgumentError({
          argument: typeof secret === 'string' ? 'secret' : `secret[${index}]`,
          message:
            'A webhook signing secret is `whsec_` and base64 (the new_signing_secret webhooks.create returned, or the secret of a rotation); this one is not.',
        });
      }
      return crypto.subtle.importKey(
        'raw',
        toBuffer(bytes),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        usages,
      );
    }),
  );
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  let value: string | readonly string[] | null | undefined;
  if (typeof (headers as Headers).get === 'function') value = (headers as Headers).get(name);
  else {
    const record = headers as Record<string, string | readonly string[] | undefined>;
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  const first = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
  return typeof first === 'string' && first !== '' ? first.trim() : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let at = 0; at < binary.length; at++) bytes[at] = binary.charCodeAt(at);
    return bytes;
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// A fresh ArrayBuffer: Web Crypto's types (TS 5.7+) refuse a view over a SharedArrayBuffer.
function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
