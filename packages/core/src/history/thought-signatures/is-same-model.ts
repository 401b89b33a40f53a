/**
 * Whether two model names are the same model, for thought signatures (which are bound to the
 * model that issued them): equal once a `models/` prefix is dropped. Aliases
 * (`gemini-flash-latest` and what it points to) count as different: wrongly keeping a signature
 * is a 400, wrongly dropping one costs only the dummy signature.
 * @internal
 */
export function isSameModel(first: string, second: string): boolean {
  return withoutPrefix(first) === withoutPrefix(second);
}

function withoutPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice(7) : model;
}
