import type { Content } from '@gemloop/core';

/** The texts of the `role` turns the fake Gemini was sent in its last request, in order. */
export function lastRequestTexts(
  requests: readonly { body: unknown }[],
  role: 'user' | 'model',
): string[] {
  const { contents } = requests.at(-1)?.body as { contents: Content[] };
  return contents
    .filter((content) => content.role === role)
    .flatMap((content) => content.parts ?? [])
    .flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}
