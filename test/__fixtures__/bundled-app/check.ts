/**
 * Runs one check of the bundled app and prints it as one JSON line: what it gave, or the error it
 * threw (name, code, message, its cause's name, and a MissingDependencyError's fields).
 */
export async function check(name: string, make: () => unknown): Promise<void> {
  try {
    console.log(JSON.stringify({ name, value: await make() }));
  } catch (thrown) {
    const { code, message, packageName, requires, cause } = thrown as Record<string, unknown>;
    const causeName = (cause as Error | undefined)?.name;
    const error = { name: (thrown as Error).name, code, message, packageName, requires, causeName };
    console.log(JSON.stringify({ name, error }));
  }
}
