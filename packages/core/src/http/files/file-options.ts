import {
  type DeclaredOptions,
  defineOptions,
  functionOption,
  integerOption,
  optionCheck,
} from '../../options/define-options.ts';
import type { CallOptions } from '../call-options.ts';
import { callOptionsDeclaration } from '../options/resolve-call-options.ts';
import type { DownloadFileOptions, PollOptions, UploadFileOptions } from './files.ts';

const call = callOptionsDeclaration.checks;

/**
 * The longest media type sent: RFC 6838 bounds a type and a subtype at 127 characters each, and a
 * server refuses a header past its own limit (Node's: 16 KiB in all) with a bare 431 that named
 * neither the option nor the Blob (attack47a).
 */
const MAX_MEDIA_TYPE_CHARS = 255;

/**
 * Whether `value` can be sent as an upload's media type: anchored at both ends, parameters in
 * printable ASCII (it is sent as a header value, and a line break, a NUL or a character past
 * U+00FF failed as "could not reach" the host), at most {@link MAX_MEDIA_TYPE_CHARS} characters.
 * @internal
 */
export function isMediaType(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length <= MAX_MEDIA_TYPE_CHARS &&
    /^[\w.+-]+\/[\w.+-]+(?:[ \t]*;[\x20-\x7e]*)?$/.test(value)
  );
}

/** The options of `files.upload`. @internal */
export const uploadOptionsDeclaration: DeclaredOptions<UploadFileOptions> =
  defineOptions<UploadFileOptions>({
    name: 'files.upload',
    unknownKey: 'Unknown files.upload option',
    path: 'options',
    example: "{ mimeType: 'video/mp4', displayName, onProgress }",
    checks: {
      ...call,
      mimeType: optionCheck(
        isMediaType,
        `options.mimeType must be a media type such as 'video/mp4' or 'application/pdf' (parameters in printable ASCII, at most ${MAX_MEDIA_TYPE_CHARS} characters in all).`,
      ),
      displayName: optionCheck(
        (value) => typeof value === 'string' && value.length <= 512,
        'options.displayName must be a string of at most 512 characters.',
      ),
      size: integerOption({
        min: 0,
        message: (path) => `${path} must be the source's length in bytes (an integer >= 0).`,
      }),
      chunkSize: integerOption({
        min: 1,
        message: (path) => `${path} must be a positive number of bytes (default 8 MiB).`,
      }),
      onProgress: functionOption(
        'options.onProgress must be a function ({ uploadedBytes, totalBytes }) => void.',
      ),
    },
  });

/** The options of `files.download`. @internal */
export const downloadOptionsDeclaration: DeclaredOptions<DownloadFileOptions> =
  defineOptions<DownloadFileOptions>({
    name: 'files.download',
    unknownKey: 'Unknown files.download option',
    path: 'options',
    example: '{ maxBytes, signal }',
    checks: {
      ...call,
      maxBytes: optionCheck(
        (value) => typeof value === 'number' && value > 0,
        'options.maxBytes must be a positive number of bytes (Infinity for none).',
      ),
    },
  });

/** The options of `files.waitUntilActive` and `batches.wait`. @internal */
export const pollOptionsDeclaration: DeclaredOptions<PollOptions> = defineOptions<PollOptions>({
  name: 'A wait',
  unknownKey: 'Unknown wait option',
  path: 'options',
  example: '{ pollIntervalMs: 5000, maxPolls, signal }',
  checks: {
    ...call,
    pollIntervalMs: optionCheck(
      (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0,
      'options.pollIntervalMs must be a number of milliseconds >= 0.',
    ),
    maxPolls: integerOption({ min: 1 }),
    onPoll: functionOption('options.onPoll must be a function (resource) => void.'),
  },
});

/** The call options among a method's own (`signal`, `timeoutMs`, ...), for `resolveCallOptions`. @internal */
export function pickCallOptions(options: CallOptions | undefined): CallOptions | undefined {
  if (options === undefined) return undefined;
  const picked: Record<string, unknown> = {};
  for (const key of callOptionsDeclaration.keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as CallOptions;
}
