/** A2A's `ContentTypeNotSupportedError` in its JSON-RPC binding. @internal */
export const CONTENT_TYPE_NOT_SUPPORTED = -32005;

/**
 * Why a send's `configuration.acceptedOutputModes` (or v1.0's snake_case spelling) accepts none of
 * `produced` (the card's `defaultOutputModes`), in fixed words naming them; `undefined` when it
 * accepts one, or lists none (no restriction). A mode matches by type and subtype, case-insensitive,
 * its parameters (`; charset=utf-8`) aside, and `*` stands for any subtype or any type. Params are
 * already checked (`checkRpcParams`): the modes are strings when present. @internal
 */
export function unacceptableOutputModes(
  params: unknown,
  produced: readonly string[],
): string | undefined {
  const configuration = fieldOf(params, 'configuration');
  const accepted =
    fieldOf(configuration, 'acceptedOutputModes') ??
    fieldOf(configuration, 'accepted_output_modes');
  if (!Array.isArray(accepted) || accepted.length === 0) return undefined;
  const wanted = accepted.map(mediaType);
  const fits = produced.some((mode) => {
    const [type, subtype] = mediaType(mode);
    return wanted.some(
      ([want, wantSub]) =>
        (want === '*' || want === type) && (wantSub === '*' || wantSub === subtype),
    );
  });
  if (fits) return undefined;
  return `This agent answers in ${produced.join(', ')} only, which configuration.acceptedOutputModes does not accept: add ${JSON.stringify(produced[0])} to it, or leave it empty.`;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** A media type's type and subtype, lower-cased, without parameters (`*` when absent). */
function mediaType(mode: unknown): [string, string] {
  const bare = String(mode).split(';')[0]?.trim().toLowerCase() ?? '';
  const [type = '', subtype = '*'] = bare.split('/');
  return [type, subtype];
}
