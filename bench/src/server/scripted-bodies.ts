import { createLongStream } from '../script/long-stream.ts';
import type { RunScript } from '../script/run-script.ts';
import type { ScriptedAnswer } from './validate-request.ts';

/** One answer's bytes: the `generateContent` body and the SSE events (one Buffer each). */
export type AnswerBodies = { json: Buffer; events: Buffer[] };

/**
 * The bytes of every scripted answer, built once per script and seed and then reused, so that
 * answering costs the server a lookup, not a `JSON.stringify`.
 */
export class ScriptedBodies {
  readonly #runs = new WeakMap<RunScript, AnswerBodies[]>();
  readonly #long = new Map<number, Buffer[]>();

  /** The bodies of `answer`. */
  of(answer: ScriptedAnswer): AnswerBodies {
    switch (answer.kind) {
      case 'round':
        return this.#ofRun(answer.script)[answer.round]!;
      case 'final':
        return this.#ofRun(answer.script)[answer.script.rounds.length]!;
      case 'chat': {
        const json = Buffer.from(answer.chat.body);
        return { json, events: [json] };
      }
      case 'long': {
        let pieces = this.#long.get(answer.chunkCount);
        if (pieces === undefined) {
          pieces = createLongStream(answer.chunkCount).pieces.map((piece) => Buffer.from(piece));
          this.#long.set(answer.chunkCount, pieces);
        }
        return { json: Buffer.alloc(0), events: pieces };
      }
    }
  }

  #ofRun(script: RunScript): AnswerBodies[] {
    let list = this.#runs.get(script);
    if (list === undefined) {
      list = script.rounds.map((round) => ({
        json: Buffer.from(round.body),
        events: round.events.map((event) => Buffer.from(event)),
      }));
      list.push({
        json: Buffer.from(script.finalBody),
        events: script.finalEvents.map((event) => Buffer.from(event)),
      });
      this.#runs.set(script, list);
    }
    return list;
  }
}
