/**
 * How many Host header lines a request has (Node's `rawHeaders` alternates names and values):
 * more than one is a 400 (RFC 9112 section 3.2), since Node keeps the first and a proxy in front
 * may have used the last. Shared by `@gemloop/serve`'s doors and `gemloop view`: the CLI does not
 * depend on serve. @internal
 */
export function hostLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'host') count += 1;
  }
  return count;
}
