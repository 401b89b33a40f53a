import type { Readable } from 'node:stream';
import { type CheckArgs, type PostJson, rawLoops } from './floor-http.ts';

// The floor the peak-RSS target is measured against (issue 53): the hand-written loop on the HTTP
// client gemloop's node transport uses, npm undici 7's request API, loaded from the same two files
// (`loadUndici` in packages/core/src/http/transport/create-node-transport.ts), on the same kind of
// keep-alive agent. Node's own fetch runs Node's bundled undici, whose llhttp V8 compiles apart,
// so a fetch floor leaves out the 8–10 MiB that compiling npm undici's parser costs any program
// that uses it (bench/README.md, "Peak RSS of the 20,000-chunk stream").

type Dispatcher = object;
type RequestFn = (
  this: Dispatcher,
  options: {
    origin: string;
    path: string;
    method: 'POST';
    headers: Record<string, string>;
    body: string;
  },
) => Promise<{ statusCode: number; body: Readable }>;

// Variables, not literals: TypeScript has no types for undici's files (as in the transport).
const AGENT_MODULE = 'undici/lib/dispatcher/agent.js';
const REQUEST_MODULE = 'undici/lib/api/api-request.js';

async function connect(apiKey: string): Promise<PostJson> {
  const [agentModule, requestModule] = await Promise.all([
    import(AGENT_MODULE) as Promise<{ default: new (options: object) => Dispatcher }>,
    import(REQUEST_MODULE) as Promise<{ default: RequestFn }>,
  ]);
  const agent = new agentModule.default({ headersTimeout: 0, bodyTimeout: 0 });
  const request = requestModule.default;
  return async (url, body, onData) => {
    const response = await request.call(agent, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
      body: JSON.stringify(body),
    });
    if (response.statusCode !== 200) {
      response.body.resume();
      throw new Error(`HTTP ${response.statusCode}`);
    }
    await new Promise<void>((resolve, reject) => {
      response.body.on('data', onData);
      response.body.on('end', resolve);
      response.body.on('error', reject);
    });
  };
}

/** The raw undici floors: the floor's loops on npm undici 7's request API. */
export const [floorUndiciContender, floorUndiciStreamContender] = rawLoops(
  'floor.undici',
  'npm undici 7 request API (keep-alive agent)',
  connect,
);

/**
 * The undici floor whose tools are typed with zod, as gemloop.stream's are (`defineTool` with a
 * zod object): the same loop, with zod loaded and each call's arguments checked by the tools'
 * schema before the tool runs. A diagnostic row beside the peak-RSS target's floor: zod's modules
 * and what they leave in the young generation are about 10 MB of the long stream's peak
 * (bench/RESULTS.md, "The long stream's peak RSS on undici, counted in the young generation").
 */
export const [, floorUndiciZodStreamContender] = rawLoops(
  'floor.undici.zod',
  'npm undici 7 request API (keep-alive agent)',
  connect,
  {
    describe: 'zod-checked tool arguments',
    async load(): Promise<CheckArgs> {
      const { z } = await import('zod');
      const input = z.object({ a: z.number().int(), b: z.number().int() });
      return (_name, args) => input.parse(args);
    },
  },
);
