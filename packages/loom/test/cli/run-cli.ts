import { runCli } from '../../src/cli/main.ts';

/** Runs `loom <argv>` in-process and captures its exit code and output. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
