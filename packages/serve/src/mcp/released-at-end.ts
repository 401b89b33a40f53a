/**
 * The answer with its body passed through, `release` called once when the body ends, fails or is
 * cancelled (the client gone): the POST's stream closes when every request it carried has been
 * answered, so its ids are free again then, not before. @internal
 */
export function releasedAtEnd(answer: Response, release: () => void): Response {
  if (answer.body === null) {
    release();
    return answer;
  }
  const reader = answer.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
}
