import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * A request body as text, read up to `maxBytes` (a page's body is hostile: `request.text()` would
 * hold whatever it sends). @internal
 * @throws {@link InvalidArgumentError} past `maxBytes`.
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  const body = request.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new InvalidArgumentError({
        argument: 'body',
        message: `The request body is over ${maxBytes} bytes.`,
      });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
