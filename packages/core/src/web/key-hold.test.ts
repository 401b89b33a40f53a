import { describe, expect, it } from 'vitest';
import { type HeldPiece, KeyHold } from './key-hold.ts';

// A Google-shaped key (39 characters) and a second client's, sharing its first four.
const KEY = 'AIzaSyD-key-leaks-0123456789abcdefghijk';
const OTHER = 'AIzaOther-second-client-key-000';

/** What leaves for `deltas` (pushed in order, then flushed), and the most ever held. */
function through(keys: readonly string[], deltas: readonly HeldPiece[]) {
  const hold = new KeyHold(keys);
  const out: HeldPiece[] = [];
  let sent = 0;
  let came = 0;
  let mostHeld = 0;
  for (const delta of deltas) {
    came += delta.text.length;
    for (const piece of hold.push(delta)) {
      out.push(piece);
      sent += piece.text.length;
    }
    // What came and did not leave (a redacted key counts as the marker's length: a lower bound).
    mostHeld = Math.max(mostHeld, came - sent);
  }
  out.push(...hold.flush());
  const text = (kind: HeldPiece['kind']) =>
    out
      .filter((piece) => piece.kind === kind)
      .map((piece) => piece.text)
      .join('');
  return { out, text: text('text'), thought: text('thought'), mostHeld };
}

const chars = (text: string, kind: HeldPiece['kind'] = 'text'): HeldPiece[] =>
  [...text].map((char) => ({ kind, text: char }));

describe('KeyHold: a key split anywhere over deltas never leaves', () => {
  const line = `My config: key=${KEY}, done.`;

  it('split in two at every position', () => {
    for (let cut = 0; cut <= line.length; cut++) {
      const { text } = through(
        [KEY],
        [
          { kind: 'text', text: line.slice(0, cut) },
          { kind: 'text', text: line.slice(cut) },
        ],
      );
      expect(text, `cut at ${cut}`).toBe('My config: key=[redacted], done.');
    }
  });

  it('in 1-character deltas, holding at most the key’s length − 1', () => {
    const { text, mostHeld } = through([KEY], chars(line));
    expect(text).toBe('My config: key=[redacted], done.');
    expect(mostHeld).toBeLessThanOrEqual(KEY.length - 1);
  });

  it('twice, back to back and apart, in 1-character deltas', () => {
    const { text } = through([KEY], chars(`${KEY}${KEY} and ${KEY}!`));
    expect(text).toBe('[redacted][redacted] and [redacted]!');
  });

  it('across a thought and a text part, split at every position', () => {
    for (let cut = 1; cut < KEY.length; cut++) {
      const { text, thought, out } = through(
        [KEY],
        [
          ...chars(`thinking ${KEY.slice(0, cut)}`, 'thought'),
          ...chars(`${KEY.slice(cut)} said`, 'text'),
        ],
      );
      expect(`${thought}|${text}`, `cut at ${cut}`).not.toContain(KEY.slice(0, 8));
      expect(thought + text).toBe('thinking [redacted] said');
      // Each kind keeps its own words.
      expect(thought.startsWith('thinking ')).toBe(true);
      expect(text.endsWith(' said')).toBe(true);
      expect(out.every((piece) => !KEY.includes(piece.text) || piece.text.length < 2)).toBe(true);
    }
  });

  it('a second key of another client, and a near-miss that is released whole', () => {
    const near = `${KEY.slice(0, 20)}X`;
    const { text } = through([KEY, OTHER], chars(`a ${OTHER} b ${near} c ${KEY}`));
    expect(text).toBe(`a [redacted] b ${near} c [redacted]`);
  });

  it('text that cannot start a key leaves at once, in the pieces it came in', () => {
    const hold = new KeyHold([KEY]);
    expect(hold.push({ kind: 'text', text: 'Hello ' })).toEqual([{ kind: 'text', text: 'Hello ' }]);
    // `AI` could start the key: held until the next delta shows it does not.
    expect(hold.push({ kind: 'text', text: 'world AI' })).toEqual([
      { kind: 'text', text: 'world ' },
    ]);
    expect(hold.push({ kind: 'text', text: 'rplane' })).toEqual([
      { kind: 'text', text: 'AIrplane' },
    ]);
    expect(hold.push({ kind: 'text', text: ' AIza' })).toEqual([{ kind: 'text', text: ' ' }]);
    // The stream ended on a key's start: what was held leaves, no key in it.
    expect(hold.flush()).toEqual([{ kind: 'text', text: 'AIza' }]);
  });

  it('keys shorter than the automatic rule are not held (a `demo` stand-in)', () => {
    const { out } = through(['demo'], chars('a demo'));
    expect(out.map((piece) => piece.text).join('')).toBe('a demo');
  });

  // key-leaks3: a stream that ends on 8 characters or more of a key's start (a key cut off) does
  // not show them: they leave as `[redacted]`. On main `AIzaSyD-key-leaks-0123` left as text.
  it('a stream that ends mid-key: a start of 8 characters or more leaves as [redacted], a shorter one as text', () => {
    for (const cut of [8, 9, 22, KEY.length - 1]) {
      const { out } = through([KEY], texts('Key: ', KEY.slice(0, cut)));
      expect(out.map((piece) => piece.text).join(''), `cut at ${cut}`).toBe('Key: [redacted]');
    }
    const { out } = through([KEY], texts('Key: ', KEY.slice(0, 7)));
    expect(out.map((piece) => piece.text).join('')).toBe(`Key: ${KEY.slice(0, 7)}`);
  });
});

function texts(...parts: string[]): HeldPiece[] {
  return parts.map((text) => ({ kind: 'text', text }));
}
