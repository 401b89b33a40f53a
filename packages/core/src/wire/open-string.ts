/**
 * A string union that stays open: the listed values autocomplete, and any other string is still
 * accepted. Gemini adds enum values over time (`MODEL_ARMOR`, `IMAGE_OTHER`, ...); gemloop keeps an
 * unknown value as data instead of rejecting the response.
 */
export type OpenString<Known extends string> = Known | (string & {});
