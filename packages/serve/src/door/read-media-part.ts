import type { Part } from '@gemloop/core/wire';
import { MediaPartRefusedError } from './media-part-refused-error.ts';

// A caller's image, audio, video or file, as every door reads it into a Gemini `inlineData` part.
// Gemini takes media inline as base64 beside the text (https://ai.google.dev/gemini-api/docs/
// file-input-methods). The door checks and passes the base64 on as it came, never decoding it: a
// 15 MB image is one string in memory, not a string and its bytes. What Gemini would refuse by the
// part's kind (an "image" that says text/html) is refused here, before any model call, with the
// request's path; the exact subtypes each model takes (Google's "supported file formats" lists:
// image/png, image/jpeg, image/webp, image/heic, image/heif; audio/wav, mp3, aiff, aac, ogg, flac;
// video/mp4, mpeg, mov, avi, x-flv, mpg, webm, wmv, 3gpp; application/pdf and text/*) move with
// the models, so a subtype is left to Gemini to judge.
//
// Remote URLs are refused, never fetched: a client's URL may name an internal address
// (127.0.0.1, 169.254.169.254), and a door that fetched it would read it for them. Gemini can
// fetch some public URLs itself (`fileData.fileUri`, the page above), but passing the client's URL
// on is an operator's choice not built yet; the caller can always send the bytes as a data URL.

/** The kind of media a part says it holds; its MIME type must agree. */
export type MediaKind = 'image' | 'audio' | 'video' | 'file';

/**
 * The most media parts one request may hold, across all its messages: 64. The body limit bounds
 * the bytes; this bounds the count, which the bytes do not: Gemini bills an image at least 258
 * tokens (the docs' "Image understanding", images of 384 px or less), so a 1 MiB body of
 * thousands of tiny images is a bill of millions of tokens for one request, and each part is
 * carried (and sent again) in the conversation's history from then on.
 */
export const MAX_MEDIA_PARTS = 64;

/** Where a media part is, and what it says it is. */
export type ReadMediaPartOptions = {
  /** The part's path in the request, named in a refusal (`messages[0].content[1].image_url.url`). */
  path: string;
  kind: MediaKind;
};

/** A media part's content: a URL (only `data:` URLs are read), or base64 with its MIME type. */
export type MediaSource = { url: string } | { mimeType: string; data: string };

const KIND_NAMES = { image: 'an image', audio: 'audio', video: 'a video' } as const;

/** The longest data URL head read (`data:` to the comma): a MIME type and a few parameters. */
const MAX_HEAD = 256;
/** A MIME type as RFC 6838 names them: type and subtype of restricted-name characters. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** Base64 (RFC 4648 §4), padding optional as Gemini's JSON bytes take it. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** What {@link toStandardBase64} rewrites: ASCII whitespace and the URL-safe alphabet's `-`, `_`. */
const FORGIVEN = /[\t\n\f\r _-]/;
const FORGIVEN_GLOBAL = new RegExp(FORGIVEN.source, 'g');
/** The types a `file` part may hold beside images, audio and video: documents Gemini reads. */
const FILE_TYPES = /^(?:application\/pdf|application\/json|text\/.+)$/;

/**
 * A caller's media part as a Gemini `inlineData` part: a `data:<type>/<subtype>[;…];base64,` URL
 * read, or base64 and a MIME type checked. The base64 is checked, not decoded, and passed on as is
 * (line breaks and the URL-safe alphabet are taken and sent as standard base64: one copy then).
 *
 * @throws {@link MediaPartRefusedError} naming `path`: a remote URL (`remote-url`: the door fetches
 * nothing), a URL that is not a base64 data URL, base64 that is not, a MIME type that is
 * malformed or not of `kind`.
 */
export function readMediaPart(source: MediaSource, { path, kind }: ReadMediaPartOptions): Part {
  if ('url' in source) return readDataUrl(source.url, path, kind);
  return {
    inlineData: {
      mimeType: checkMimeType(source.mimeType, path, kind),
      data: checkBase64(source.data, path),
    },
  };
}

/**
 * Refuses a part that names a stored file (OpenAI's `file_id`, AG-UI's file source) the door
 * cannot read: the caller sends the file's bytes instead.
 */
export function refuseFileReference(path: string): never {
  throw new MediaPartRefusedError({
    path,
    fault: 'file-reference',
    message: `${path} names a stored file, which this server cannot read: send the file's content inline, as a data URL (data:<mime type>;base64,<data>).`,
  });
}

/** Refuses a request holding more than {@link MAX_MEDIA_PARTS} media parts. */
export function checkMediaPartCount(count: number, path: string): void {
  if (count <= MAX_MEDIA_PARTS) return;
  throw new MediaPartRefusedError({
    path,
    fault: 'too-many-media-parts',
    message: `${path} holds ${count} images, audio, video and files: at most ${MAX_MEDIA_PARTS} are taken in one request.`,
  });
}

/** Whether `part` is a media part (inline or by URI). */
export function isMediaPart(part: Part): boolean {
  return part.inlineData !== undefined || part.fileData !== undefined;
}

function readDataUrl(url: string, path: string, kind: MediaKind): Part {
  if (!/^data:/i.test(url)) {
    // Any other scheme (https:, http:, file:, gs:) names content somewhere else.
    if (/^[a-z][a-z0-9+.-]{0,31}:/i.test(url)) {
      throw new MediaPartRefusedError({
        path,
        fault: 'remote-url',
        message: `${path} is a URL this server will not fetch (it fetches nothing a request names): send the content inline as a data URL, data:<mime type>;base64,<data>.`,
      });
    }
    throw notADataUrl(path);
  }
  const comma = url.indexOf(',');
  if (comma === -1 || comma > MAX_HEAD) throw notADataUrl(path);
  const [mimeType = '', ...parameters] = url.slice(5, comma).split(';');
  if (parameters.at(-1)?.toLowerCase() !== 'base64') throw notADataUrl(path);
  return {
    inlineData: {
      mimeType: checkMimeType(mimeType.toLowerCase(), path, kind),
      data: checkBase64(url.slice(comma + 1), path),
    },
  };
}

function notADataUrl(path: string): MediaPartRefusedError {
  return new MediaPartRefusedError({
    path,
    fault: 'not-a-data-url',
    message: `${path} must be a base64 data URL: data:<type>/<subtype>;base64,<data>.`,
  });
}

function checkMimeType(mimeType: string, path: string, kind: MediaKind): string {
  const type = mimeType.toLowerCase();
  if (!MIME_TYPE.test(type)) {
    throw new MediaPartRefusedError({
      path,
      fault: 'invalid-mime-type',
      message: `${path} has no valid MIME type: name one as <type>/<subtype>, e.g. image/png.`,
    });
  }
  const top = type.slice(0, type.indexOf('/'));
  const fits =
    kind === 'file'
      ? top === 'image' || top === 'audio' || top === 'video' || FILE_TYPES.test(type)
      : top === kind;
  if (!fits) {
    throw new MediaPartRefusedError({
      path,
      fault: 'mime-type-mismatch',
      message:
        kind === 'file'
          ? `${path} is ${type.slice(0, 100)}, which Gemini does not read: send an image, audio, video, a PDF or text.`
          : `${path} is ${type.slice(0, 100)}, not ${KIND_NAMES[kind]}: send ${kind}/* content here (other files go in a file part).`,
    });
  }
  return type;
}

function checkBase64(given: string, path: string): string {
  // Standard base64, as nearly every client sends it, is checked in one pass and passed on;
  // only what fails that pass is looked at again for line breaks and the URL-safe alphabet.
  if (isBase64(given)) return given;
  const data = FORGIVEN.test(given) ? toStandardBase64(given) : given;
  if (isBase64(data)) return data;
  throw new MediaPartRefusedError({
    path,
    fault: 'invalid-base64',
    message:
      data.length === 0
        ? `${path} is empty: send the content's bytes as base64.`
        : `${path} is not base64 (A-Z, a-z, 0-9, + and /, or - and _, and = padding): encode the content as standard base64.`,
  });
}

/** Whether `data` is standard base64 of at least one byte, padded or not. */
function isBase64(data: string): boolean {
  return (
    data.length > 0 &&
    data.length % 4 !== 1 &&
    BASE64.test(data) &&
    (data.length % 4 === 0 || !data.endsWith('='))
  );
}

/**
 * `data` as standard base64 without line breaks: the ASCII whitespace of base64 wrapped at 76
 * characters (MIME's lines, RFC 2045 §6.8; Python's `base64.encodebytes`, `openssl base64`)
 * removed, as a browser's data URL decoding removes it (WHATWG's forgiving-base64 decode,
 * https://infra.spec.whatwg.org/#forgiving-base64-decode), and the URL-safe alphabet (RFC 4648
 * §5: `-`, `_`) as the standard one, which Gemini's JSON `bytes` also take (the proto3 JSON
 * mapping, https://protobuf.dev/programming-guides/json/: "Either standard or URL-safe base64
 * encoding with/without paddings are accepted"). Gemini is sent the standard form, one copy,
 * made only when the caller's text needs it.
 */
function toStandardBase64(data: string): string {
  return data.replace(FORGIVEN_GLOBAL, (character) =>
    character === '-' ? '+' : character === '_' ? '/' : '',
  );
}
