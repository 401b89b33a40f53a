import { MIN_KEY_LENGTH, secretForms } from './redact-secrets.ts';

/**
 * What a redaction reads its secrets from, at the moment it redacts: `values` is read when an
 * error, log line or span is built, never copied ahead, so a secret learned after a call started
 * (a Vertex access token fetched by its first attempt) is still scrubbed from what it reports.
 * @internal
 */
export type Secrets = {
  /**
   * The secrets to scrub, longest first (a credential containing another is replaced whole),
   * each with the encoded forms a server may quote it in (`secretForms`).
   */
  readonly values: readonly string[];
  /**
   * A call's view only: learns the call's own credentials again, as a new call with them would,
   * so they stay among its client's most recent (see {@link SecretList.learn}).
   */
  renew?(): void;
};

/**
 * Where a learned secret came from; each source keeps only its most recent few (see
 * {@link SecretList}). `token`: Vertex access tokens; `call`: credentials in per-call headers.
 * @internal
 */
export type SecretSource = 'token' | 'call';

/**
 * How many learned secrets each source keeps. An error raised with an older token may still be in
 * flight, so a few are kept; not all, or a long-lived process would scrub every token it ever
 * had from every message. A call's own header credentials are also held by the call's view (see
 * {@link SecretList.withCall}) for as long as the call lives, whatever is forgotten here.
 */
const KEPT: Record<SecretSource, number> = { token: 4, call: 32 };

/**
 * The secrets of one client, the one list every redaction of the client reads: the API key and
 * the credentials of the client's headers (fixed), plus every credential learned while it runs
 * (the moment it is created or resolved: each Vertex access token, each credential of a call's
 * own headers). The client's redactor (`ModelCallEntry.redact`, which the agent uses for errors,
 * spans and the run file) and every call's errors and log lines read it live.
 * @internal
 */
export class SecretList implements Secrets {
  readonly #fixed: readonly string[];
  readonly #learned: Record<SecretSource, string[]> = { token: [], call: [] };
  #values: readonly string[];
  /** Bumped on every change, so a call's view knows when to rebuild its own list. */
  #version = 0;

  constructor(fixed: readonly string[]) {
    this.#fixed = fixed.filter((secret) => secret.length >= MIN_KEY_LENGTH);
    this.#values = longestFirst(withForms(this.#fixed));
  }

  get values(): readonly string[] {
    return this.#values;
  }

  /** @internal */
  get version(): number {
    return this.#version;
  }

  /**
   * Adds a secret from now on (values shorter than the key rule's minimum are ignored, see
   * `MIN_KEY_LENGTH`). Learning one again makes it the most recent of its source; past the
   * source's bound the oldest is forgotten.
   */
  learn(secret: string, source: SecretSource): void {
    if (secret.length < MIN_KEY_LENGTH || this.#fixed.includes(secret)) return;
    const learned = this.#learned[source];
    const index = learned.indexOf(secret);
    if (index !== -1) {
      // Known already: only its recency changes, not the set (an agent's callOptions headers
      // are resolved on every call).
      if (index !== learned.length - 1) learned.push(...learned.splice(index, 1));
      return;
    }
    learned.push(secret);
    if (learned.length > KEPT[source]) learned.shift();
    this.#values = longestFirst(
      withForms([...this.#fixed, ...this.#learned.token, ...this.#learned.call]),
    );
    this.#version++;
  }

  /**
   * The secrets of one call: this list's (read live) plus the call's own header credentials,
   * which the client learns too, so its redactor scrubs them from what the agent reports.
   */
  withCall(own: readonly string[], within?: Secrets): Secrets {
    for (const secret of own) this.learn(secret, 'call');
    return new CallSecrets(this, own, within);
  }
}

/** A call's view: its client's list, as it is at each read, plus the call's own credentials. */
class CallSecrets implements Secrets {
  readonly #client: SecretList;
  readonly #own: readonly string[];
  /** The view this one was made over (a call's header credentials', under its tools'), renewed with it. */
  readonly #within: Secrets | undefined;
  #version = -1;
  #values: readonly string[] = [];

  constructor(client: SecretList, own: readonly string[], within: Secrets | undefined) {
    this.#client = client;
    this.#own = own.filter((secret) => secret.length >= MIN_KEY_LENGTH);
    this.#within = within;
  }

  get values(): readonly string[] {
    if (this.#version !== this.#client.version) {
      this.#version = this.#client.version;
      const client = this.#client.values;
      this.#values = longestFirst([
        ...client,
        ...withForms(this.#own.filter((secret) => !client.includes(secret))),
      ]);
    }
    return this.#values;
  }

  renew(): void {
    this.#within?.renew?.();
    for (const secret of this.#own) this.#client.learn(secret, 'call');
  }
}

/** Each secret with the encoded forms a server may quote it in ({@link secretForms}). */
function withForms(secrets: readonly string[]): string[] {
  return secrets.flatMap(secretForms);
}

function longestFirst(secrets: readonly string[]): readonly string[] {
  return [...new Set(secrets)].sort((left, right) => right.length - left.length);
}
