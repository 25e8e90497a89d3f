/**
 * Router overhead in instructions: each app of the router benchmark (`ping-apps.ts`) runs under
 * valgrind's callgrind, is warmed up with many requests and a full GC, and then the user-space
 * instructions it executes (JavaScript, Node, V8's compiler and GC, all on the main thread with
 * `--single-threaded`) are counted over a fixed number of requests. Unlike requests per second or CPU
 * time, the count does not depend on what else the machine is doing, which makes it good for comparing
 * two versions of loom on a shared machine. Its ratio to plain Fastify is not the wall-clock one (see
 * INSTRUCTIONS.md): under valgrind a request takes milliseconds, and work that follows elapsed time is
 * over-counted. Kernel time (socket reads and writes) is not counted. Needs `valgrind` (and
 * `callgrind_control`); runs two apps at a time.
 *
 *   node bench/router/ping-instructions.ts          # 15,000 warm-up + 5,000 counted requests → INSTRUCTIONS.md
 *   PING_WARMUP=30000 PING_REQUESTS=5000 PING_RESULTS=- node bench/router/ping-instructions.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '../driver/markdown-table.ts';
import { createPingApp, LABELS, positiveEnv, type Target, targetsFromEnv } from './ping-apps.ts';

/** Child side (under valgrind): listen and print the port; on a `gc` line on stdin, collect and say so. */
async function serve(target: Target): Promise<void> {
  const app = await createPingApp(target);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdin.on('data', () => {
    (globalThis as { gc?: () => void }).gc?.();
    console.log('GC DONE');
  });
  console.log(`PORT ${(app.server.address() as AddressInfo).port}`);
}

/**
 * Sends `count` requests over `connections` keep-alive connections; rejects on anything but a 200. One
 * connection by default: the app (slowed down by valgrind) then takes the requests one at a time, the
 * same way in every run, where several would arrive in batches of varying size and move the count.
 */
async function drive(port: number, count: number, connections: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const next = () => {
        if (sent >= count) return;
        sent++;
        http
          .get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
              else if (++done === count) resolve();
              else next();
            });
          })
          .on('error', reject);
      };
      for (let i = 0; i < connections; i++) next();
    });
  } finally {
    agent.destroy();
  }
}

/** Instructions per request of one app. */
async function count(target: Target, warmup: number, requests: number, connections: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), `ping-callgrind-${target}-`));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes and rewrites machine code: make valgrind notice every change.
      '--smc-check=all',
      `--callgrind-out-file=${join(dir, 'out')}`,
      process.execPath,
      // No background compiler or GC threads: their work lands at varying moments, which otherwise moves
      // the count by a few per cent from run to run.
      '--single-threaded',
      // A full collection right before counting: the window then starts from the same heap in every run,
      // instead of sometimes containing a major GC of the warm-up's garbage.
      '--expose-gc',
      fileURLToPath(import.meta.url),
      '--serve',
      target,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`${target} exited with ${code} before listening`)));
    });
    await drive(port, warmup, connections);
    await new Promise<void>((resolve) => {
      const done = (chunk: Buffer) => {
        if (!chunk.toString().includes('GC DONE')) return;
        child.stdout.off('data', done);
        resolve();
      };
      child.stdout.on('data', done);
      child.stdin.write('gc\n');
    });
    const control = (arg: string) =>
      execFileSync('callgrind_control', [arg, String(child.pid)], { stdio: 'ignore' });
    control('--instr=on');
    await drive(port, requests, connections);
    control('--dump');
    control('--instr=off');
    // The dump is `out.1`: its summary line is the instructions counted while instrumentation was on.
    const dump = readdirSync(dir).find((f) => f.endsWith('.1'));
    if (dump === undefined) throw new Error(`${target}: callgrind wrote no dump`);
    const summary = /^summary: (\d+)$/m.exec(readFileSync(join(dir, dump), 'utf8'));
    if (summary === null) throw new Error(`${target}: no summary in the callgrind dump`);
    return Number(summary[1]) / requests;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const warmup = positiveEnv('PING_WARMUP', 15_000);
  const requests = positiveEnv('PING_REQUESTS', 5_000);
  const connections = positiveEnv('PING_CONNECTIONS', 1);
  const targets = targetsFromEnv();
  console.log(`ping under callgrind: ${warmup} warm-up requests, then ${requests} counted, per app`);
  const perRequest = new Map<Target, number>();
  // Two at a time: instruction counts do not depend on sharing the CPUs.
  for (let i = 0; i < targets.length; i += 2) {
    const pair = targets.slice(i, i + 2);
    const counts = await Promise.all(pair.map((t) => count(t, warmup, requests, connections)));
    pair.forEach((t, j) => {
      perRequest.set(t, counts[j] as number);
      console.log(`${t.padEnd(8)} ${Math.round(counts[j] as number)} instructions per request`);
    });
  }
  const plain = perRequest.get('plain');
  const lines = markdownTable(
    ['app', 'instructions per request', 'plain / app (≥ 0.9 is the target for loom)'],
    ['left', 'right', 'right'],
    targets.map((t) => [
      LABELS[t],
      Math.round(perRequest.get(t) as number).toLocaleString('en'),
      plain === undefined ? '–' : (plain / (perRequest.get(t) as number)).toFixed(3),
    ]),
  );
  console.log(lines.join('\n'));
  const out = process.env.PING_RESULTS ?? fileURLToPath(new URL('./INSTRUCTIONS.md', import.meta.url));
  if (out === '-') return;
  const valgrind = execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  writeFileSync(
    out,
    [
      '# Router overhead in instructions: loom `GET /ping` against plain Fastify',
      '',
      `Written by \`node bench/router/ping-instructions.ts\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${valgrind}. Each app serves ${warmup.toLocaleString('en')} warm-up requests and collects its garbage, then the user-space instructions of its process (JavaScript, Node, V8's compiler and garbage collector, all on one thread with \`--single-threaded\`) are counted over ${requests.toLocaleString('en')} more, sent over ${connections} keep-alive connection${connections === 1 ? '' : 's'}. The counts do not depend on what else the machine is doing, but they do not match the wall-clock figures, and why is not known yet. On 2026-11-28 the plain app counted 244–247k instructions per request in every run, and the loom route 303–305k in three of four runs (262k in the fourth), with 15,000 or 50,000 warm-up requests alike. That puts loom at about 0.81 of plain here, while its server CPU per request in RESULTS.md is within a few per cent of plain's. Under valgrind a request takes about 12 ms instead of tens of µs, so work that follows elapsed time rather than requests (timers, V8's compiler, which is still active in a callgrind profile of the loom app) is over-counted; that is the suspect, not a finding. Use these counts to compare changes to loom with each other, not as the ratio to plain. Wall-clock figures are in [RESULTS.md](RESULTS.md).`,
      '',
      ...lines,
      '',
      'Kernel time (socket reads and writes) is not counted and is the same for every app, so these ratios are lower than the ratios of requests per second would be on a quiet machine. The kernel row is loom without its REST layer; the ambientContext row is loom with an AsyncLocalStorage entered per request, as statement logging or tracing do, which on Node 20 turns on promise hooks for every promise of the process.',
      '',
    ].join('\n'),
  );
  console.log(`written: ${out}`);
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) await serve(process.argv[serveAt + 1] as Target);
else await main();
