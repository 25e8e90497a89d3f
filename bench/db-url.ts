/** The PostgreSQL database the benchmark seeds and the apps connect to (trust auth on the CI machine). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_DATABASE_URL ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}
