// biome-ignore-all lint/suspicious/noTsIgnore: the directive must hold whether msw resolves or not
// msw is an optional peer dependency, so a user's project may not have it. The `@ts-ignore` that
// ends the doc comment below is kept in the emitted .d.ts (a `//` comment would be dropped), where
// it turns "Cannot find module 'msw'" (an error in every project that imports
// @gemloop/testing without skipLibCheck) into an `any`. With msw installed the type is msw's
// own. (`@ts-expect-error` would fail here, where msw resolves.) TypeScript reads a directive in a
// block comment only on its last line, hence the `*/` on the same line.
// test/packed-install.test.ts type-checks a project without msw, and one with it.

/**
 * One msw request handler answering with the fake (`fake.handlers()`): msw's `HttpHandler` when
 * msw is installed, `any` when it is not (msw is an optional peer, needed only for the handlers).
 * @ts-ignore */
export type FakeMswHandler = import('msw').HttpHandler;
