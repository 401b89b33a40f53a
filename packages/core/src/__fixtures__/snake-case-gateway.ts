import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Test-only: a gateway in front of a Gemini server (the fake) that answers in the proto field
 * names, as a translating proxy does (`finish_reason`, `usage_metadata`, `continuation_token`,
 * `function_call`, ...; proto3 JSON makes them the same message, gemini-wire.md section 1). Every
 * model answer is translated, a unary body whole and a stream event by event as it comes; the
 * requests go on as they came (camelCase), so the server behind it checks them as the API would
 * (a continuation token it never issued, a signature it never gave, is refused). An answer that is
 * not a 2xx JSON or SSE body passes through as it is.
 */
export type SnakeCaseGateway = {
  readonly url: string;
  close(): Promise<void>;
};

/** Keys of `google.protobuf.Struct` fields: their contents are the tool's data, never renamed. */
const STRUCT_FIELDS = new Set(['args', 'response']);

/** `value` with every camelCase key at every depth written in snake_case (`Struct` data kept). */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (typeof value !== 'object' || value === null) return value;
  const renamed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    renamed[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = STRUCT_FIELDS.has(key)
      ? field
      : toSnakeCase(field);
  }
  return renamed;
}

/** Starts a {@link SnakeCaseGateway} on 127.0.0.1 in front of `upstream` (a base URL). */
export async function startSnakeCaseGateway(upstream: string): Promise<SnakeCaseGateway> {
  const server: Server = createServer((incoming, out) => {
    relay(upstream, incoming, out).catch((error: unknown) => {
      // A client that went away mid-answer, or an upstream that failed: the connection ends.
      out.destroy(error as Error);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function relay(upstream: string, incoming: IncomingMessage, out: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers[name] = value;
  }
  const answer = await fetch(`${upstream}${incoming.url ?? ''}`, {
    method: incoming.method ?? 'POST',
    headers,
    ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
  });
  const type = answer.headers.get('content-type') ?? '';
  out.writeHead(answer.status, { 'content-type': type });
  if (!answer.ok || answer.body === null) {
    out.end(Buffer.from(await answer.arrayBuffer()));
    return;
  }
  if (type.includes('text/event-stream')) {
    await relayEvents(answer.body, out);
    return;
  }
  const text = await answer.text();
  out.end(type.includes('json') ? JSON.stringify(toSnakeCase(JSON.parse(text))) : text);
}

/** Each SSE event's `data` translated and written as soon as the event is whole. */
async function relayEvents(body: ReadableStream<Uint8Array>, out: ServerResponse): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    for (let end = buffered.search(/\r?\n\r?\n/); end !== -1; end = buffered.search(/\r?\n\r?\n/)) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') out.write(`data: ${JSON.stringify(toSnakeCase(JSON.parse(data)))}\r\n\r\n`);
    }
  }
  out.end();
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
