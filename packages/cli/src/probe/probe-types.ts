/** How the key is sent: Google's header, or `Authorization: Bearer`. */
export type ProbeAuth = 'x-goog-api-key' | 'bearer';

/** Options of {@link runProbe}. */
export type RunProbeOptions = {
  /**
   * The gateway's base URL, e.g. `https://api.cometapi.com` (without `/v1beta`). Plain `http://`
   * only to `localhost`, `127.0.0.0/8` or `[::1]`, unless `allowInsecureHttp`.
   */
  baseUrl: string;
  apiKey: string;
  /** Accept an `http://` base URL on another host (the key then crosses the network in clear text). */
  allowInsecureHttp?: boolean | undefined;
  /** The auth header to prefer for the checks after the two auth checks. @defaultValue 'x-goog-api-key' */
  auth?: ProbeAuth | undefined;
  /** A Gemini 3 model, so signatures, call ids and search beside functions can be checked. @defaultValue 'gemini-3-flash-preview' */
  model?: string | undefined;
  /** @defaultValue 'v1beta' */
  apiVersion?: string | undefined;
  /** @defaultValue `globalThis.fetch`, looked up at call time */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Time limit of one answer, from sending the request to the last byte of its body (a body that
   * drips forever ends here with a FAIL naming this bound). @defaultValue 60000
   */
  timeoutMs?: number | undefined;
  /**
   * What a timed-out line calls the time limit, so it names the setting the user gave: the CLI
   * passes `'--timeout'`. @defaultValue 'timeoutMs'
   */
  timeoutName?: string | undefined;
  /**
   * The most bytes of one answer's body the probe reads; past it the body is cancelled and the
   * check fails naming this bound. The probe's answers are a few kilobytes. @defaultValue 1048576 (1 MiB)
   */
  maxAnswerBytes?: number | undefined;
  /** Aborts the probe. */
  signal?: AbortSignal | undefined;
  /**
   * Called with each line as soon as its check is decided, sanitised as in the report, in the
   * order the checks run (the report sorts them): a caller can show progress while a slow gateway
   * takes up to `timeoutMs` per request. An exception it throws stops the probe.
   */
  onRecord?: ((record: ProbeRecord) => void) | undefined;
};

/** The properties the probe checks, in the order it prints them. */
export type ProbePropertyId =
  | 'auth-x-goog-api-key'
  | 'auth-bearer'
  | 'alt-sse'
  | 'sse-framing'
  | 'stream-chunks'
  | 'finish-reasons'
  | 'field-names'
  | 'function-call-ids'
  | 'thought-signature-round-trip'
  | 'parallel-calls'
  | 'search-with-functions'
  | 'json-schema'
  | 'system-instruction'
  | 'usage-fields'
  | 'error-body'
  | 'retry-info'
  | 'interactions-create'
  | 'interactions-state'
  | 'interactions-stream';

/**
 * The outcome of one property: `pass`, `fail`, `warn` for a difference from Google's API that
 * gemloop reads through (not a failure: `ok` stays true, but other clients may not), or `skip`
 * when it could not be checked (the model does not support it, the server never answered 429, an
 * earlier step failed).
 */
export type ProbeStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the probe's report. */
export type ProbeRecord = {
  id: ProbePropertyId;
  /** What is checked, in a few words. */
  title: string;
  status: ProbeStatus;
  /** What was seen: the evidence of a failure, or why it was skipped. */
  detail: string;
  /** For a failure or a warning: what gemloop works around and what it cannot. */
  workaround: string | undefined;
};

/** What {@link runProbe} returns. */
export type ProbeReport = {
  baseUrl: string;
  model: string;
  /** The auth header the checks after the auth checks used. */
  auth: ProbeAuth;
  records: ProbeRecord[];
  /** Whether no property failed (skips and warnings do not count). */
  ok: boolean;
};
