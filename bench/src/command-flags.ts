/**
 * A bench script's `--key=value` flags (a bare `--key` reads `'true'`), as the subagent and loop
 * benches take them: each script reads its own with defaults (`Number(flags.get('runs') ?? 40)`).
 */
export function commandFlags(argv: readonly string[] = process.argv.slice(2)): Map<string, string> {
  return new Map(
    argv.map((argument) => {
      const [key, value] = argument.replace(/^--/, '').split('=');
      return [key as string, value ?? 'true'];
    }),
  );
}
