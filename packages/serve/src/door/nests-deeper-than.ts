/**
 * Whether a JSON value a caller sent nests objects or arrays deeper than `limit` levels, walked
 * without recursion (the walk itself cannot overflow the stack). A door checks it before a tool
 * sees the value: 100,000 nested arrays fit in a 1 MiB body, `JSON.parse` reads them, and the
 * tool's own `JSON.stringify` (or any recursive walk) then throws `RangeError: Maximum call
 * stack size exceeded`. @internal
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [each, depth] = stack.pop() as [unknown, number];
    if (typeof each !== 'object' || each === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(each)) stack.push([child, depth + 1]);
  }
  return false;
}
