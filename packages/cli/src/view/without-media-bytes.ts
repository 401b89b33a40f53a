import { mapMediaData } from '@gemloop/core/internal';

/** The longest media `data` sent to the page as it is: a tiny test image, a placeholder. */
const MAX_SHOWN_MEDIA_CHARS = 256;
/** The most characters of a MIME type the placeholder quotes (a run file can hold anything). */
const MAX_MIME_CHARS = 100;

/**
 * A run line with the bytes of its inline media (`{ mimeType, data }`: an image a user sent, a
 * tool's screenshot, audio) replaced by what they were: `"[image/png, 6,990,508 characters of
 * base64 (~5.0 MB), not shown]"`. A request holds the whole history, so one 5 MB photo was 7 MB
 * of base64 in every step's JSON, sent to the page, parsed, and stringified again per step for a
 * block nobody opens. The bytes are never a document either way (the page writes text nodes,
 * never an `<img>`, `<iframe>` or `<object>` of them), so an `image/svg+xml` or `text/html` part
 * stays inert. The same object when it holds no long media; values short enough to read are kept
 * (a test's 8-byte image, the recorder's own `[N characters omitted]` placeholders).
 */
export function withoutMediaBytes<T>(line: T): T {
  return mapMediaData(line, (data, mimeType) =>
    data.length <= MAX_SHOWN_MEDIA_CHARS ? data : mediaPlaceholder(mimeType, data.length),
  );
}

function mediaPlaceholder(mimeType: string, characters: number): string {
  const type =
    mimeType.length > MAX_MIME_CHARS ? `${mimeType.slice(0, MAX_MIME_CHARS)}…` : mimeType;
  // base64: 3 bytes each 4 characters.
  const megabytes = ((characters * 3) / 4 / (1024 * 1024)).toFixed(1);
  return `[${type}, ${characters.toLocaleString('en-US')} characters of base64 (~${megabytes} MB), not shown]`;
}
