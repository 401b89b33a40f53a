import { cutTextNoted, cutText as cutWhole } from '../shared/cut-text.ts';
import {
  MAX_RECORDED_LIVE_NAME_CHARS,
  MAX_RECORDED_LIVE_TEXT_CHARS,
  MAX_RECORDED_LIVE_VALUE_CHARS,
} from './recorded-live.ts';
import { MAX_END_ERROR_CHARS } from './recorded-run.ts';
import { recordedCode } from './to-recorded-error.ts';

// How a live session's text, values and errors are cut to the live recorder's bounds
// (createLiveRecorder's lines).

/** Text kept up to the bound, with the count of every character seen. */
export type Cut = { text: string; chars: number };

export function addText(cut: Cut, text: string): void {
  // Once anything was left out (an emoji that did not fit whole), nothing more is added: the
  // recorded text stays a prefix of what was said.
  const full = cut.chars > cut.text.length;
  cut.chars += text.length;
  if (!full && cut.text.length < MAX_RECORDED_LIVE_TEXT_CHARS)
    cut.text += cutWhole(text, MAX_RECORDED_LIVE_TEXT_CHARS - cut.text.length);
}

/** `{ [name]: text }` with `…` and `[name]Chars` when cut; nothing for no text. */
export function cutField(name: string, cut: Cut): Record<string, unknown> {
  if (cut.chars === 0) return {};
  if (cut.chars <= cut.text.length) return { [name]: cut.text };
  return { [name]: `${cut.text}…`, [`${name}Chars`]: cut.chars };
}

export function cutText(text: string): string {
  return text.length > MAX_RECORDED_LIVE_TEXT_CHARS
    ? `${cutWhole(text, MAX_RECORDED_LIVE_TEXT_CHARS)}… [${text.length - MAX_RECORDED_LIVE_TEXT_CHARS} characters omitted]`
    : text;
}

/** A tool name or call id the server sent, cut past `MAX_RECORDED_LIVE_NAME_CHARS` with a note. */
export function cutName(name: string): string {
  return cutTextNoted(name, MAX_RECORDED_LIVE_NAME_CHARS);
}

/** A tool's arguments or result, or a note when its JSON is past the bound (or not JSON). */
export function boundValue(value: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
  if (json === undefined) return undefined;
  if (json.length > MAX_RECORDED_LIVE_VALUE_CHARS)
    return `[${json.length} characters of JSON omitted: past ${MAX_RECORDED_LIVE_VALUE_CHARS}]`;
  return JSON.parse(json) as unknown;
}

/** Bytes a base64 text decodes to, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

export function recordedError(error: unknown): {
  name: string;
  code?: string;
  reason?: string;
  message: string;
} {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const reason = (error as { reason?: unknown } | null)?.reason;
  const code = recordedCode(error);
  return {
    name,
    ...(code === undefined ? {} : { code }),
    ...(typeof reason === 'string' ? { reason } : {}),
    message:
      message.length > MAX_END_ERROR_CHARS ? `${cutWhole(message, MAX_END_ERROR_CHARS)}…` : message,
  };
}
