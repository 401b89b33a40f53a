/** The characters of an error body quoted in an error message. */
const MAX_EXCERPT_CHARS = 300;

/**
 * The first 300 characters of an error body. Only those are read, then the body is cancelled: it
 * may be a whole HTML page, or a proxy's answer that never ends, which `response.text()` would
 * hold in memory, or wait for, without bound. @internal
 */
export async function readExcerpt(response: Response): Promise<string> {
  const body = response.body;
  if (body === null) return '(empty body)';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length <= MAX_EXCERPT_CHARS) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    if (text === '') return '(unreadable body)';
  } finally {
    reader.cancel().catch(() => {});
  }
  return text.length > MAX_EXCERPT_CHARS
    ? `${text.slice(0, MAX_EXCERPT_CHARS)}...`
    : text || '(empty body)';
}
