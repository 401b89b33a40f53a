import { describe, expect, it } from 'vitest';
import { answerInvalidEvents } from './answer-invalid-events.ts';

/** The stream of `chunks` (strings as UTF-8, or bytes) through answerInvalidEvents, as text. */
async function through(chunks: readonly (string | Uint8Array)[]): Promise<string> {
  const encoder = new TextEncoder();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  return new Response(answerInvalidEvents(source)).text();
}

const bad = JSON.stringify({ jsonrpc: '2.0', id: 7, error: { code: 'x', message: 'm' } });

describe('answerInvalidEvents', () => {
  it('passes a valid stream on byte for byte, an emoji split across chunks too', async () => {
    const bytes = new TextEncoder().encode(
      'event: ping\r\ndata: {"jsonrpc":"2.0","id":1,"result":{"t":"🐛"}}\r\n\r\n: note\n\n',
    );
    const at = bytes.indexOf(0xf0) + 2;
    expect(await through([bytes.subarray(0, at), bytes.subarray(at)])).toBe(
      new TextDecoder().decode(bytes),
    );
  });

  it('adds an error answer of the id after an event the SDK would drop, with CRLF split at the CR', async () => {
    const text = await through([
      `data: ${bad}\r\n\r`,
      '\ndata: {"jsonrpc":"2.0","method":"x"}\n\n',
    ]);
    const added = text.split('\n').find((line) => line.includes('gemloopInvalidAnswer'));
    expect(JSON.parse((added ?? '').slice(6))).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32603 },
    });
    expect(text.startsWith(`data: ${bad}\r\n\r`)).toBe(true);
    expect(text.endsWith('\ndata: {"jsonrpc":"2.0","method":"x"}\n\n')).toBe(true);
  });

  it('leaves an event of another type, a request and an unfinished event alone', async () => {
    const stream = [
      `event: other\ndata: ${bad}\n\n`,
      `data: {"id":1,"method":"m"}\n\n`,
      `data: ${bad}`,
    ];
    expect(await through(stream)).toBe(stream.join(''));
  });
});
