/** A path into a JSON Schema document, e.g. `['properties', 'tags', 'items']`. */
export type SchemaPath = (string | number)[];

/**
 * Something a tool's parameter schema says that the schema sent to Gemini cannot say, found when
 * the tool is defined. The model does not see the constraint; `parseArgs` still enforces it, so a
 * call that breaks it gets an error response the model can correct.
 */
export type SchemaWarning = {
  /** Where in the tool's JSON Schema, e.g. `['properties', 'tags']`. */
  path: SchemaPath;
  /** The JSON Schema keyword concerned, e.g. `additionalProperties`. */
  keyword: string;
  /** What was done about it, in words. */
  message: string;
};
