import { createInterface } from 'node:readline';

/** Lines of `input`, read as they come: a line typed before it is asked for is kept. */
export function createLineReader(input: NodeJS.ReadableStream): {
  next(signal: AbortSignal): Promise<string | undefined>;
  close(): void;
} {
  const reader = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const buffered: string[] = [];
  let waiter: ((line: string | undefined) => void) | undefined;
  let ended = false;
  reader.on('line', (line) => {
    if (waiter === undefined) {
      buffered.push(line);
      return;
    }
    const take = waiter;
    waiter = undefined;
    take(line);
  });
  reader.on('close', () => {
    ended = true;
    waiter?.(undefined);
    waiter = undefined;
  });
  return {
    next(signal) {
      if (buffered.length > 0) return Promise.resolve(buffered.shift());
      if (ended || signal.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const onAbort = (): void => {
          waiter = undefined;
          resolve(undefined);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter = (line) => {
          signal.removeEventListener('abort', onAbort);
          resolve(line);
        };
      });
    },
    close() {
      reader.close();
    },
  };
}
