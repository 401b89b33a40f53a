/**
 * `response` with its body ended after `chunks` chunks, as a proxy or a flaky network ends it:
 * the server's side of the body is cancelled, and the page's read ends before `finish`.
 */
export function cutAfter(response: Response, chunks: number): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let count = 0;
  const cut = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done || count === chunks) {
        await reader.cancel();
        controller.close();
        return;
      }
      count++;
      controller.enqueue(value);
    },
  });
  return new Response(cut, { headers: response.headers });
}
