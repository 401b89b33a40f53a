import { createHash } from 'node:crypto';

/**
 * The shortest media `data` a run file refers to instead of repeating: a reference is ~110
 * characters, so a shorter value costs about as much written again.
 */
export const MIN_REFERENCED_MEDIA_CHARS = 1024;

/**
 * One run file's record of the inline media it holds whole (see {@link createMediaOnce}).
 * @internal
 */
export type MediaOnce = {
  /** `data` itself the first time, then a reference to it ({@link RECORDED_MEDIA_REFERENCE}). */
  place(data: string): string;
};

/**
 * Writes each distinct inline media value once per run file. A request holds the whole history,
 * so an image the user sent at the start rides in every later step's request: a `'full'`
 * recording of ten tool steps around a 5 MB image was 50 MB, past the default `maxRunBytes`
 * (20 MB) and the evals reader's 32 MB. The first copy is written where it first appears (a
 * reader of that line sees it whole); each later one becomes
 * `"[N characters omitted: same as sha256:<hex>]"`, which `createRecordedMediaResolver` turns
 * back into the same text, and which an older reader counts as a shortened value.
 *
 * Values are remembered by their text (the same string object in every step's history, so a
 * lookup costs no more than a pointer compare once its hash is known); the SHA-256 is computed
 * once per distinct value, for the reference. The map lives as long as the run. @internal
 */
export function createMediaOnce(): MediaOnce {
  const digests = new Map<string, string>();
  return {
    place(data) {
      if (data.length < MIN_REFERENCED_MEDIA_CHARS) return data;
      const digest = digests.get(data);
      if (digest !== undefined) return mediaReference(data.length, digest);
      digests.set(data, createHash('sha256').update(data).digest('hex'));
      return data;
    },
  };
}

/** The reference text a later copy of `data` is written as. @internal */
export function mediaReference(length: number, digest: string): string {
  return `[${length} characters omitted: same as sha256:${digest}]`;
}
