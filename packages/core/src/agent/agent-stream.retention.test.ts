import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { AgentResult } from '../run/agent-result.ts';
import type { UntaggedAgentEvent } from './agent-event.ts';
import { createAgentStream } from './agent-stream.ts';

// Whether a stream still holds an event its reader has taken, while the run goes on: checked with
// a WeakRef after a full GC, a fact about the heap that the machine's load does not move. A full
// GC on demand without --expose-gc on the worker (as stream-retention.test.ts does).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A full GC once the current job is over (V8 keeps a new WeakRef's target until then). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  return ref.deref() === undefined;
}

type Emit = (event: UntaggedAgentEvent<unknown>) => void | Promise<void>;

/**
 * Reads one event and returns only a WeakRef to it: the read's temporaries end with this frame, so
 * the caller's suspended frame holds nothing of the event for the collector to find.
 */
async function readOne(reader: AsyncIterator<unknown>): Promise<WeakRef<object>> {
  const { value } = await reader.next();
  return new WeakRef(value as object);
}

/** A stream whose run emits what the test asks for and ends when told. */
function controlledStream(): {
  stream: ReturnType<typeof createAgentStream<undefined>>;
  emit: (text: string, path?: readonly string[]) => void;
  end: () => void;
} {
  let emitter: Emit | undefined;
  let finish: (() => void) | undefined;
  const stream = createAgentStream<undefined>(
    (emit) =>
      new Promise<AgentResult<undefined>>((resolve) => {
        emitter = emit;
        finish = () => resolve({ text: 'done' } as AgentResult<undefined>);
      }),
    undefined,
  );
  return {
    stream,
    // A fresh object per event, referenced by nothing but the stream once emitted.
    emit: (text, path) =>
      void emitter?.({ type: 'text-delta', text, ...(path ? { path } : {}) } as never),
    end: () => finish?.(),
  };
}

describe('an agent stream lets go of the events its reader took', () => {
  it('drops an event once read, while the run goes on (a reader that keeps up)', async () => {
    const { stream, emit, end } = controlledStream();
    const reader = stream[Symbol.asyncIterator]();
    emit('first');
    const ref = await readOne(reader);
    expect(await collected(ref)).toBe(true);
    end();
    expect((await reader.next()).done).toBe(true);
  });

  it('drops the events read while later ones still wait unread (a reader behind)', async () => {
    const { stream, emit, end } = controlledStream();
    const reader = stream[Symbol.asyncIterator]();
    const path = Object.freeze(['child#1']);
    // A subagent's events go to the top run's queue: three of them, one read.
    emit('a', path);
    emit('b', path);
    emit('c', path);
    const ref = await readOne(reader);
    expect(await collected(ref)).toBe(true);
    // The unread ones are still delivered, in order.
    const rest: string[] = [];
    for (let next = await reader.next(); ; next = await reader.next()) {
      rest.push((next.value as { text: string }).text);
      if (rest.length === 2) break;
    }
    expect(rest).toEqual(['b', 'c']);
    end();
    expect((await reader.next()).done).toBe(true);
  });
});
