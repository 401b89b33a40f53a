/**
 * The Standard Schema interface (https://standardschema.dev), implemented by zod 3.24+, zod 4,
 * Valibot and ArkType. The spec asks libraries to copy the types rather than depend on a package;
 * only the parts gemloop uses are here.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1Props<Input, Output>;
}

/** The `~standard` property of a {@link StandardSchemaV1}. */
export type StandardSchemaV1Props<Input = unknown, Output = Input> = {
  readonly version: 1;
  readonly vendor: string;
  readonly validate: (
    value: unknown,
  ) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
};

/** What `~standard.validate` returns. */
export type StandardSchemaV1Result<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaV1Issue[] };

/** One validation problem. */
export type StandardSchemaV1Issue = {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
};

/**
 * The Standard JSON Schema extension (zod 4.2+, ArkType, Valibot adapters): `~standard.jsonSchema`
 * converts the schema to JSON Schema without importing the library.
 */
export type StandardJsonSchemaV1Props = {
  readonly jsonSchema: {
    readonly input: (options: {
      readonly target: string;
      readonly libraryOptions?: Record<string, unknown> | undefined;
    }) => Record<string, unknown>;
  };
};

/** Whether `value` implements Standard Schema. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  if (value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

/** Whether a Standard Schema also implements Standard JSON Schema. */
export function hasStandardJsonSchema(
  schema: StandardSchemaV1,
): schema is StandardSchemaV1 & { readonly '~standard': StandardJsonSchemaV1Props } {
  const jsonSchema = (schema['~standard'] as Partial<StandardJsonSchemaV1Props>).jsonSchema;
  return typeof jsonSchema === 'object' && typeof jsonSchema?.input === 'function';
}
