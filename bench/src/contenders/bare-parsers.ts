import { createParser } from 'eventsource-parser';
import { responseFromPieces, type StreamParser } from './contender.ts';
import { SseSplitter } from './split-sse.ts';

type Chunk = { candidates?: { content?: { parts?: { text?: string }[] } }[] };

function textOfChunk(value: unknown): string {
  const parts = (value as Chunk).candidates?.[0]?.content?.parts;
  let text = '';
  if (parts !== undefined)
    for (const part of parts) if (typeof part.text === 'string') text += part.text;
  return text;
}

/**
 * The reference of the parse targets: eventsource-parser and JSON.parse over the body's pieces,
 * with no stream objects at all. Typed chunks cannot be had for less with a spec-complete parser.
 */
export const bareParser: StreamParser = {
  name: 'eventsource-parser + JSON.parse',
  library: 'eventsource-parser',
  async create() {
    return async (pieces) => {
      let text = '';
      const decoder = new TextDecoder();
      const parser = createParser({
        onEvent: (event) => {
          text += textOfChunk(JSON.parse(event.data));
        },
      });
      for (const piece of pieces) parser.feed(decoder.decode(piece, { stream: true }));
      return text;
    };
  },
};

/** The same, reading the pieces from a `Response` body: what any fetch-based client starts from. */
export const bareResponseParser: StreamParser = {
  name: 'eventsource-parser over Response.body',
  library: 'eventsource-parser',
  async create() {
    return async (pieces) => {
      let text = '';
      const decoder = new TextDecoder();
      const parser = createParser({
        onEvent: (event) => {
          text += textOfChunk(JSON.parse(event.data));
        },
      });
      for await (const piece of responseFromPieces(pieces).body!) {
        parser.feed(decoder.decode(piece, { stream: true }));
      }
      return text;
    };
  },
};

/** The streaming floor's minimal split over the pieces. */
export const floorSplitParser: StreamParser = {
  name: 'floor split (CRLF CRLF) + JSON.parse',
  library: 'floor',
  async create() {
    return async (pieces) => {
      let text = '';
      const splitter = new SseSplitter((value) => {
        text += textOfChunk(value);
      });
      for (const piece of pieces) splitter.feed(piece);
      return text;
    };
  },
};
