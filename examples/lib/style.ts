/** Colour functions for terminal output; each returns its text unchanged when colour is off. */
export type Style = {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
};

/** What {@link createStyle} decides from. */
export type CreateStyleOptions = {
  /** The stream the text goes to; colour only when it is a terminal. @defaultValue process.stdout */
  stream?: { isTTY?: boolean | undefined } | undefined;
  /** @defaultValue process.env */
  env?: Record<string, string | undefined> | undefined;
};

/**
 * Colours only for a terminal, so piped output stays plain and greppable. `NO_COLOR` (any
 * non-empty value, https://no-color.org) and `TERM=dumb` turn colour off; `FORCE_COLOR` (other
 * than `0`) turns it on for a pipe.
 */
export function createStyle({
  stream = process.stdout,
  env = process.env,
}: CreateStyleOptions = {}): Style {
  const force = env['FORCE_COLOR'];
  const enabled =
    force !== undefined && force !== ''
      ? force !== '0' && force !== 'false'
      : stream.isTTY === true && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
  const paint =
    (open: number, close: number) =>
    (text: string): string =>
      enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    bold: paint(1, 22),
    dim: paint(2, 22),
    red: paint(31, 39),
    green: paint(32, 39),
    yellow: paint(33, 39),
    blue: paint(34, 39),
    magenta: paint(35, 39),
    cyan: paint(36, 39),
  };
}
