/** What an edit typed at the approval prompt became. */
export type EditedArgs =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; message: string };

/**
 * Applies an edit typed at the approval prompt: a JSON object of the fields to change, merged over
 * the call's arguments (top-level fields; the others are kept). A partial edit such as
 * `{"subject":"Draft"}` must not drop the fields it does not name: the tool would then reject the
 * call as invalid arguments, which is not what the person meant.
 */
export function mergeEditedArgs(original: unknown, text: string): EditedArgs {
  let edit: unknown;
  try {
    edit = JSON.parse(text);
  } catch {
    return { ok: false, message: 'That is not JSON; try again.' };
  }
  if (typeof edit !== 'object' || edit === null || Array.isArray(edit)) {
    return {
      ok: false,
      message: 'Give a JSON object of the fields to change, e.g. {"subject":"Draft"}; try again.',
    };
  }
  const base =
    typeof original === 'object' && original !== null && !Array.isArray(original) ? original : {};
  return { ok: true, args: { ...base, ...edit } };
}
