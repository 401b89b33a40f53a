/**
 * A field's name in either proto3 JSON spelling (Gemini's parser reads the lowerCamelCase name and
 * the proto field name): `max_output_tokens` and `maxOutputTokens` alike. A module of its own, not
 * part of `generation-config.ts`, because the run's merge (`start-run.ts`) needs it: imported from
 * there it brought that module's refusal checks into the loaded bundle (+146 B gzip). @internal
 */
export const spellingFree = (key: string): string => key.replace(/_/g, '').toLowerCase();
