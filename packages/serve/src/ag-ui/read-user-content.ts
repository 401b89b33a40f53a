import type { ContentPart } from '@ag-ui/core';
import type { Part } from '@gemloop/core/wire';
import { type MediaKind, readMediaPart, refuseFileReference } from '../door/read-media-part.ts';

// A user message's content as AG-UI 1.0 writes it (`string | ContentPart[]`, `@ag-ui/core`'s
// `ContentPart`: text, image, audio, video and document parts, each media part's `source` its
// bytes as base64 (`data`), a `url`, or a `file` a provider stores). Bytes become Gemini
// `inlineData` in order beside the text; a `url` is read only as a data URL (the door fetches
// nothing a client names) and a `file` source is refused (the door cannot read a page's store).

/** What a media part's `type` says it holds, as door/read-media-part.ts checks it. */
const KINDS: Record<Exclude<ContentPart['type'], 'text'>, MediaKind> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
};

/**
 * A user message's content: its text when it is only text (the parts' text joined, as
 * `contentToText` joins it), else its parts in order, runs of text parts joined, each media part
 * an `inlineData` part; `media` the number of media parts.
 * @throws {@link MediaPartRefusedError} naming `path` and the part.
 * @internal
 */
export function readUserContent(
  content: string | readonly ContentPart[] | undefined,
  path: string,
): { text: string; parts?: Part[] | undefined; media: number } {
  if (content === undefined) return { text: '', media: 0 };
  if (typeof content === 'string') return { text: content, media: 0 };
  let text = '';
  const parts: Part[] = [];
  let media = 0;
  content.forEach((part, index) => {
    if (part.type === 'text') {
      text += part.text;
      const previous = parts.at(-1);
      if (previous?.text !== undefined) previous.text += part.text;
      else parts.push({ text: part.text });
      return;
    }
    media += 1;
    const at = `${path}[${index}].source`;
    const kind = KINDS[part.type];
    const { source } = part;
    if (source.type === 'data') {
      parts.push(
        readMediaPart({ mimeType: source.mimeType, data: source.value }, { path: at, kind }),
      );
    } else if (source.type === 'url') {
      parts.push(readMediaPart({ url: source.value }, { path: `${at}.value`, kind }));
    } else {
      refuseFileReference(at);
    }
  });
  return media === 0 ? { text, media } : { text, parts, media };
}
