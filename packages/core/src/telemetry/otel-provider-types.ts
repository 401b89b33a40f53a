// biome-ignore-all lint/suspicious/noTsIgnore: the directives must hold whether the module resolves or not
// `@opentelemetry/api` is an optional peer dependency, so a user's project may not have it. The
// `@ts-ignore` that ends each doc comment below is kept in the emitted .d.ts (a `//` comment would
// be dropped), where it turns "Cannot find module '@opentelemetry/api'" (an error in every project
// that imports @gemloop/core without skipLibCheck) into an `any`. With the API installed the
// types are its own. TypeScript reads a directive in a block comment only on its last line.
// test/packed-install.test.ts type-checks a project without it. (Same as @gemloop/testing's fake-msw-handler.ts.)

/**
 * An OpenTelemetry `TracerProvider`: the `@opentelemetry/api` type when it is installed, `any`
 * when it is not (it is an optional peer, needed only for telemetry).
 * @ts-ignore */
export type OtelTracerProvider = import('@opentelemetry/api').TracerProvider;

/**
 * An OpenTelemetry `MeterProvider`: the `@opentelemetry/api` type when it is installed, `any`
 * when it is not (it is an optional peer, needed only for telemetry).
 * @ts-ignore */
export type OtelMeterProvider = import('@opentelemetry/api').MeterProvider;
