import { Agent, request } from 'node:http';
import { FUNCTION_DECLARATIONS, runBenchTool } from '../script/bench-tools.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import type { Contender, LoopContext, LoopRunner } from './contender.ts';
import { SseSplitter } from './split-sse.ts';

/** @internal */
export type Part = {
  text?: string;
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
};
/** @internal */
export type Content = { role: string; parts: Part[] };
type Chunk = { candidates?: { content?: { parts?: Part[] } }[] };

/** POSTs `body` as JSON and hands each piece of the response body to `onData`. @internal */
export type PostJson = (url: URL, body: unknown, onData: (piece: Buffer) => void) => Promise<void>;

const TOOLS = [{ functionDeclarations: FUNCTION_DECLARATIONS }];

/**
 * POSTs with raw `node:http` on a keep-alive agent and hands each body piece to `onData`: the
 * least Node can do per request (no fetch, no WHATWG streams, no validation, no time limits).
 */
function post(
  agent: Agent,
  url: URL,
  apiKey: string,
  body: unknown,
  onData: (piece: Buffer) => void,
): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-goog-api-key': apiKey,
        },
      },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`HTTP ${response.statusCode}`));
          response.resume();
          return;
        }
        response.on('data', onData);
        response.on('end', resolve);
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Checks a call's arguments before its tool runs; a raw loop passes them through. @internal */
export type CheckArgs = (name: string | undefined, args: unknown) => unknown;

const passArgs: CheckArgs = (_name, args) => args;

async function answerCalls(calls: Part[], checkArgs: CheckArgs): Promise<Content> {
  const results = await Promise.all(
    calls.map(async (part) =>
      runBenchTool(
        part.functionCall!.name,
        checkArgs(part.functionCall!.name, part.functionCall!.args),
      ),
    ),
  );
  return {
    role: 'user',
    parts: calls.map((part, index) => ({
      functionResponse: {
        id: part.functionCall!.id,
        name: part.functionCall!.name,
        response: results[index],
      },
    })) as Part[],
  };
}

function textOf(parts: Part[]): string {
  let text = '';
  for (const part of parts) if (typeof part.text === 'string') text += part.text;
  return text;
}

/**
 * The hand-written loop on a raw HTTP client (`post`): one unary and one streaming form, so the
 * node:http and undici floors differ in the client alone. `argsChecker` loads what checks each
 * call's arguments before its tool runs (a floor whose tools are typed with a schema library).
 * @internal
 */
export function rawLoops(
  name: string,
  client: string,
  connect: (apiKey: string) => Promise<PostJson>,
  argsChecker: { describe: string; load(): Promise<CheckArgs> } | undefined = undefined,
): [Contender, Contender] {
  const checks = argsChecker === undefined ? '' : ` + ${argsChecker.describe}`;
  const loadCheck = async (): Promise<CheckArgs> => (await argsChecker?.load()) ?? passArgs;
  const unary: Contender = {
    name,
    library: 'floor',
    streaming: false,
    description: `hand-written loop: ${client} + JSON.parse${checks}`,
    async createLoop({ baseUrl, apiKey, maxSteps }: LoopContext): Promise<LoopRunner> {
      const url = new URL(`${baseUrl}/v1beta/models/${BENCH_MODEL}:generateContent`);
      const post = await connect(apiKey);
      const checkArgs = await loadCheck();
      return {
        async run(prompt) {
          const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
          for (let step = 0; step < maxSteps; step++) {
            const pieces: Buffer[] = [];
            await post(url, { contents, tools: TOOLS }, (piece) => pieces.push(piece));
            const data = JSON.parse(Buffer.concat(pieces).toString('utf8')) as Chunk;
            const content = data.candidates![0]!.content as Content;
            contents.push(content);
            const calls = content.parts.filter((part) => part.functionCall !== undefined);
            if (calls.length === 0) return textOf(content.parts);
            contents.push(await answerCalls(calls, checkArgs));
          }
          throw new Error(`${name}: no final answer after ${maxSteps} steps`);
        },
      };
    },
  };
  const streaming: Contender = {
    name: `${name}.stream`,
    library: 'floor',
    streaming: true,
    description: `hand-written streaming loop: ${client} + split on CRLF CRLF + JSON.parse${checks}`,
    async createLoop({ baseUrl, apiKey, maxSteps }: LoopContext): Promise<LoopRunner> {
      const url = new URL(`${baseUrl}/v1beta/models/${BENCH_MODEL}:streamGenerateContent?alt=sse`);
      const post = await connect(apiKey);
      const checkArgs = await loadCheck();
      return {
        async run(prompt) {
          const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
          for (let step = 0; step < maxSteps; step++) {
            const parts: Part[] = [];
            const splitter = new SseSplitter((value) => {
              const chunkParts = (value as Chunk).candidates?.[0]?.content?.parts;
              if (chunkParts !== undefined) for (const part of chunkParts) parts.push(part);
            });
            await post(url, { contents, tools: TOOLS }, (piece) => splitter.feed(piece));
            contents.push({ role: 'model', parts });
            const calls = parts.filter((part) => part.functionCall !== undefined);
            if (calls.length === 0) return textOf(parts);
            contents.push(await answerCalls(calls, checkArgs));
          }
          throw new Error(`${name}.stream: no final answer after ${maxSteps} steps`);
        },
      };
    },
  };
  return [unary, streaming];
}

/**
 * The raw node:http floors: the floor's loops with `node:http` (a keep-alive agent) in place of
 * `fetch`.
 */
export const [floorHttpContender, floorHttpStreamContender] = rawLoops(
  'floor.http',
  'node:http (keep-alive agent)',
  async (apiKey) => {
    const agent = new Agent({ keepAlive: true });
    return (url, body, onData) => post(agent, url, apiKey, body, onData);
  },
);
