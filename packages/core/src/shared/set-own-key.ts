/**
 * Sets `target[key] = value` as an own data property, also for the key `__proto__`: a plain
 * assignment to `__proto__` replaces the object's prototype instead, so a schema property (or
 * definition) of that name would vanish from the copy while `required` still names it. Schemas
 * come from users and MCP servers, so every map keyed by their names is written through this.
 * @internal
 */
export function setOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
