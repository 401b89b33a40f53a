import { MIN_KEY_LENGTH, REDACTED } from '../shared/redact-secrets.ts';

/** A piece of one step's streamed text: its answer (`text`) or its thought summary (`thought`). */
export type HeldPiece = { kind: 'text' | 'thought'; text: string };

/**
 * The bounded hold-back of one step's streamed text on its way to a door (a page, a protocol
 * client): a client's key the model writes is replaced by `[redacted]` however the deltas split it
 * (over two deltas or forty 1-character ones, across the step's thought and its text). What it
 * keeps is the longest tail of what came that could still start a key: at most the longest key's
 * length − 1 characters, released as soon as the next delta shows it is no key, or at
 * {@link flush} (the step's text is over; a key's start of 8 characters or more then leaves as
 * `[redacted]`, see {@link keyAt}). Text with no key in it leaves in the pieces it came in,
 * minus that tail. One per step and path (`keylessEvents`). @internal
 */
export class KeyHold {
  private readonly secrets: readonly string[];
  private readonly longest: number;
  /**
   * The first characters of the secrets: most positions start none and skip the list at once
   * (a 39-character key's 6 forms, secretForms: 3.7 µs → 1.1 µs a 47-character delta).
   */
  private readonly firsts: ReadonlySet<number>;
  private held: HeldPiece[] = [];

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.filter((secret) => secret.length >= MIN_KEY_LENGTH);
    this.longest = Math.max(0, ...this.secrets.map((secret) => secret.length));
    this.firsts = new Set(this.secrets.map((secret) => secret.charCodeAt(0)));
  }

  /** What may leave now of the text so far with `piece` added: none of it a key or a key's start. */
  push(piece: HeldPiece): HeldPiece[] {
    if (this.held.length === 0 && !this.holdsKey(piece.text)) {
      // The common case (nothing held, no key in the delta): only its tail can start a key. The
      // general walk below is for held text (bench figures: RESULTS.md, key-leaks).
      const start = this.keyStartIn(piece.text);
      if (start === piece.text.length) return [piece];
      this.held = [{ kind: piece.kind, text: piece.text.slice(start) }];
      return start === 0 ? [] : [{ kind: piece.kind, text: piece.text.slice(0, start) }];
    }
    this.held.push(piece);
    return this.release(false);
  }

  private holdsKey(text: string): boolean {
    for (const secret of this.secrets) if (text.includes(secret)) return true;
    return false;
  }

  /** Where the tail of `text` that could start a key begins (its length when none can). */
  private keyStartIn(text: string): number {
    for (let at = Math.max(0, text.length - this.longest + 1); at < text.length; at++) {
      if (!this.firsts.has(text.charCodeAt(at))) continue;
      for (const secret of this.secrets) {
        if (text.charCodeAt(at) !== secret.charCodeAt(0)) continue;
        if (text.length - at < secret.length && secret.startsWith(text.slice(at))) return at;
      }
    }
    return text.length;
  }

  /** What is held, without any key: the step's text is over. */
  flush(): HeldPiece[] {
    return this.release(true);
  }

  private release(end: boolean): HeldPiece[] {
    const pieces = this.held;
    if (pieces.length === 0) return pieces;
    const text = pieces.length === 1 ? (pieces[0] as HeldPiece).text : joined(pieces);
    const out = new Pieces(pieces);
    let from = 0;
    let at = 0;
    while (at < text.length) {
      const found = this.keyAt(text, at, end);
      if (found === 0) {
        at++;
        continue;
      }
      out.copy(from, at);
      if (found < 0) {
        // A key's start runs to the end of what came: held for the next delta.
        this.held = out.rest(at);
        return out.done;
      }
      out.redacted(at);
      at += found;
      from = at;
    }
    out.copy(from, text.length);
    this.held = [];
    return out.done;
  }

  private keyAt(text: string, at: number, end: boolean): number {
    return keyAt(this.secrets, text, at, end);
  }
}

/**
 * The length of the key of `secrets` at `text[at]`; −1 when what is left could still start one
 * (and more text may come: not at the `end`); else 0. At the `end`, what is left when it is a
 * key's start of {@link MIN_KEY_LENGTH} characters or more counts as a key (its length is
 * returned, so it is masked): a text cut off mid-key (a stream that ended, a turn interrupted)
 * must not show most of the key. A shorter start leaves as text: a word may begin as a key does
 * (`AI`), and Google's keys share their first six characters (`AIzaSy`), so it shows nothing.
 * @internal
 */
export function keyAt(secrets: readonly string[], text: string, at: number, end: boolean): number {
  for (const secret of secrets) {
    if (text.charCodeAt(at) !== secret.charCodeAt(0)) continue;
    if (text.startsWith(secret, at)) return secret.length;
    const rest = text.length - at;
    if (rest < secret.length && secret.startsWith(text.slice(at))) {
      if (!end) return -1;
      if (rest >= MIN_KEY_LENGTH) return rest;
    }
  }
  return 0;
}

function joined(pieces: readonly HeldPiece[]): string {
  let text = '';
  for (const piece of pieces) text += piece.text;
  return text;
}

/** Output pieces cut from the held ones by offsets in their joined text, merged by kind. */
class Pieces {
  readonly done: HeldPiece[] = [];
  private readonly pieces: readonly HeldPiece[];

  constructor(pieces: readonly HeldPiece[]) {
    this.pieces = pieces;
  }

  /** The joined text's `[from, to)`, in the kinds of the pieces it came in. */
  copy(from: number, to: number): void {
    if (from >= to) return;
    let start = 0;
    for (const piece of this.pieces) {
      const end = start + piece.text.length;
      if (end > from && start < to) {
        this.add(
          piece.kind,
          piece.text.slice(Math.max(from, start) - start, Math.min(to, end) - start),
        );
      }
      start = end;
    }
  }

  /** The marker for a key starting at `at`, in the kind of the piece it starts in. */
  redacted(at: number): void {
    this.add(this.kindAt(at), REDACTED);
  }

  /** The held pieces from `at` on (a key's possible start), in the kinds they came in. */
  rest(at: number): HeldPiece[] {
    const rest: HeldPiece[] = [];
    let start = 0;
    for (const piece of this.pieces) {
      const end = start + piece.text.length;
      if (end > at)
        rest.push({ kind: piece.kind, text: piece.text.slice(Math.max(at - start, 0)) });
      start = end;
    }
    return rest;
  }

  private kindAt(at: number): HeldPiece['kind'] {
    let start = 0;
    for (const piece of this.pieces) {
      start += piece.text.length;
      if (start > at) return piece.kind;
    }
    return 'text';
  }

  private add(kind: HeldPiece['kind'], text: string): void {
    const last = this.done[this.done.length - 1];
    // Only a thought and a text boundary splits what leaves: the deltas of one kind go as one.
    if (last !== undefined && last.kind === kind) last.text += text;
    else this.done.push({ kind, text });
  }
}
