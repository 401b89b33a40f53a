import { createHash } from 'node:crypto';
import { MIN_REFERENCED_MEDIA_CHARS } from './create-media-once.ts';
import { mapMediaData } from './map-media-data.ts';
import { RECORDED_MEDIA_REFERENCE } from './recorded-run.ts';

/**
 * A reader's side of a run file's media references (see {@link createRecordedMediaResolver}).
 */
export type RecordedMediaResolver = {
  /**
   * The parsed line with each media reference replaced by the text an earlier line held whole
   * (the same object when it had none). Lines must be given in file order.
   */
  resolve<T>(line: T): T;
  /**
   * The characters of media the references resolved so far stand for. Each is the earlier value
   * itself (no copy), so resolving costs nothing by size, but what is made of the lines does: a
   * 20 MB file of 100,000 references to one 4 MB image resolves to 400 GB, which a
   * `JSON.stringify` of them ground through for hours. A reader bounds it (evals refuses a run
   * past 2^29 characters, more than one string holds).
   */
  readonly resolvedCharacters: number;
};

/**
 * Turns a `fidelity: 'full'` run file's media references back into their bytes, for a reader
 * that needs the model's requests byte for byte (a replay, an eval). A recorder writes each
 * distinct inline media value (`{ mimeType, data }`) once per file and later copies as
 * `"[N characters omitted: same as sha256:<hex>]"`; this resolver remembers each whole media
 * value it is shown and answers a reference with the one of that length whose SHA-256 matches
 * (hashed only when a reference asks, once each). A reference nothing earlier matches (a file
 * cut or edited) stays as written: it still reads as a shortened value, never as wrong bytes.
 * Files without references (every older one) come back unchanged, the same objects.
 *
 * @example
 * ```ts
 * const media = createRecordedMediaResolver();
 * const lines = text.split('\n').filter(Boolean).map((raw) => media.resolve(JSON.parse(raw)));
 * ```
 */
export function createRecordedMediaResolver(): RecordedMediaResolver {
  // Whole values by length, hashed when a reference of that length asks.
  const unhashed = new Map<number, string[]>();
  const byDigest = new Map<string, string>();
  const find = (length: number, digest: string): string | undefined => {
    const waiting = unhashed.get(length) ?? [];
    unhashed.delete(length);
    for (const value of waiting)
      byDigest.set(createHash('sha256').update(value).digest('hex'), value);
    const known = byDigest.get(digest);
    // A reference names a length and a digest, and both must be the earlier value's: one whose
    // length was edited resolved only once another reference had hashed the value (the same
    // line read two ways in one file), and stayed otherwise.
    return known?.length === length ? known : undefined;
  };
  let resolvedCharacters = 0;
  const resolveData = (data: string): string => {
    const reference = RECORDED_MEDIA_REFERENCE.exec(data);
    if (reference !== null) {
      const whole = find(Number(reference[1]), reference[2] as string);
      if (whole === undefined) return data;
      resolvedCharacters += whole.length;
      return whole;
    }
    if (data.length >= MIN_REFERENCED_MEDIA_CHARS) {
      const list = unhashed.get(data.length);
      if (list === undefined) unhashed.set(data.length, [data]);
      else list.push(data);
    }
    return data;
  };
  return {
    resolve: <T>(line: T): T => mapMediaData(line, resolveData),
    get resolvedCharacters() {
      return resolvedCharacters;
    },
  };
}
