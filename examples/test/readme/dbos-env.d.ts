// The dbos README snippets read process.env.DATABASE_URL the way an application would.
declare global {
  namespace NodeJS {
    interface ProcessEnv {
      DATABASE_URL?: string | undefined;
    }
  }
}

export {};
