/**
 * @defaultValue of `maxBodyBytes` of the fake's `listen()`: 100 MiB, what the Gemini API takes in
 * one request of inline data (100 MB, base64 included: "Increased file size limits and expanded
 * inputs support in Gemini API", Google's blog, 2026-01-12,
 * https://blog.google/innovation-and-ai/technology/developers-tools/gemini-api-new-file-limits;
 * the upload chunks gemloop and @google/genai send are 8 MiB). A larger body gets a 413 without
 * being read, so a development server on a port cannot be made to hold a 1 GiB body.
 */
export const DEFAULT_FAKE_MAX_BODY_BYTES: number = 100 * 1024 * 1024;
