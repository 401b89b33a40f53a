/** What a zod schema's `safeParse` returns, as far as gemloop reads it. */
type SafeParseResult = { success: boolean; data?: unknown; error?: unknown };

/** A result schema the MCP SDK's `request` takes: it calls `safeParse` (older versions `parse`). */
export type McpResultSchema = {
  safeParse(data: unknown): SafeParseResult;
  parse(data: unknown): unknown;
};

/**
 * The SDK's `CallToolResultSchema` with the tool's `structuredContent` put back as it was read.
 * The schema checks it as a record and rebuilds it key by key (`copy[key] = value`): a
 * `__proto__` key that JSON.parse kept as an own key became the copy's prototype, so the model
 * read the result without it and the copy inherited its fields (leftovers47). Everything else
 * (the content blocks, `isError`) is checked and read as the SDK reads it.
 * @internal
 */
export function keepStructuredContent(schema: {
  safeParse(data: unknown): SafeParseResult;
}): McpResultSchema {
  const safeParse = (data: unknown): SafeParseResult => {
    const result = schema.safeParse(data);
    if (!result.success) return result;
    const read = (data as { structuredContent?: unknown }).structuredContent;
    const parsed = result.data as { structuredContent?: unknown } | null;
    // Only what the schema accepted as a record is put back, and only as that same field.
    if (isRecord(read) && isRecord(parsed?.structuredContent)) {
      (parsed as { structuredContent: unknown }).structuredContent = read;
    }
    return result;
  };
  return {
    safeParse,
    parse(data) {
      const result = safeParse(data);
      if (!result.success) throw result.error;
      return result.data;
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
