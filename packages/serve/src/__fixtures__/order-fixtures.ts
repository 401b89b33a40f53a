import { defineTool } from '@gemloop/core';
import { z } from 'zod';

// What the doors' tests share: an order tool that records its calls, the text of a Gemini
// request, and a tool that blocks until its run is aborted (the agent on the fake and the
// listener: door/__fixtures__/serve-door.ts).

export { agentOnFake } from '../door/__fixtures__/serve-door.ts';

/** `lookup_order`, pushing each order it is asked for onto `calls`. */
export function lookupTool(calls: string[]) {
  return defineTool({
    name: 'lookup_order',
    description: 'Looks an order up.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      calls.push(order);
      return { order, status: 'shipped' };
    },
  });
}

/** `lookup_order`, failing with a message that quotes `secret` (a connection string). */
export function failingLookupTool(secret: string) {
  return defineTool({
    name: 'lookup_order',
    description: 'Looks an order up.',
    parameters: z.object({ order: z.string() }),
    execute: () => {
      throw new Error(`connect to postgres://admin:${secret}@10.0.0.5 failed`);
    },
  });
}

/** The owner whose key `request` presents as `Authorization: Bearer <key>`, else `null`. */
export function ownerOfBearer(keys: Readonly<Record<string, string>>, request: Request) {
  const header = request.headers.get('authorization') ?? '';
  for (const [owner, key] of Object.entries(keys)) {
    if (header === `Bearer ${key}`) return owner;
  }
  return null;
}

/** The text of a Gemini request's contents, role by role. */
export function contentsOf(body: unknown): string[] {
  const contents = (body as { contents: { role: string; parts: { text?: string }[] }[] }).contents;
  return contents.map(
    (content) => `${content.role}: ${content.parts.map((part) => part.text ?? '[call]').join('')}`,
  );
}

/**
 * `wait_for_it`, which never answers: `started` resolves when the run calls it, `aborted` with
 * its signal once the run is aborted.
 */
export function waitTool() {
  let onStart: () => void = () => {};
  let onAbort: (signal: AbortSignal) => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  const aborted = new Promise<AbortSignal>((resolve) => {
    onAbort = resolve;
  });
  const tool = defineTool({
    name: 'wait_for_it',
    description: 'Waits until aborted.',
    parameters: z.object({}),
    execute: (_args, context) =>
      new Promise((_resolve, reject) => {
        onStart();
        context.signal.addEventListener('abort', () => {
          reject(context.signal.reason);
          onAbort(context.signal);
        });
      }),
  });
  return { tool, started, aborted };
}
