/**
 * The use-case executor's own overhead per call, with no I/O.
 *
 *   node bench/executor/overhead.ts            (ROUNDS, CALLS, WARMUP env vars override the defaults)
 *
 * One use case with a param, an input command, 2 computes and 3 rules, no loads, `execute` returning a
 * constant, declared `readOnly: true` (so no transaction) on a kernel whose database is an in-memory
 * SQLite that is never touched. Compared with calling the very same functions by hand: the same param
 * conversion, the same compiled command parser, the same compute/rule functions, the same `withFields`.
 * The difference is what the executor adds: plan iteration, param validation through the compiled
 * schema, rule-result interpretation, the context objects, timing and the observer hook.
 *
 * Prints the figures and writes bench/executor/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BadRequest,
  command,
  Kernel,
  openDatabase,
  patch,
  RuleViolations,
  t,
  useCase,
  withFields,
} from '../../packages/loom/test/support/internals.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CALLS = Number(process.env.CALLS ?? 200_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);

const Quote = command(
  {
    productId: t.Integer({ minimum: 1 }),
    quantity: t.Number(),
    couponCode: t.Optional(t.String({ maxLength: 20 })),
    note: patch(t.String()),
  },
  { name: 'Quote' },
);

interface QuoteInput {
  readonly productId: number;
  readonly quantity: number;
  readonly couponCode?: string;
}

// The functions both paths call.
const wholeQuantity = ({ input }: { readonly input: QuoteInput }) => Math.trunc(input.quantity);
const normalizeCoupon = ({ input }: { readonly input: QuoteInput }) => input.couponCode?.trim().toUpperCase();
const positive = (quantity: number) => quantity > 0 || 'must be positive';
const notTooMany = (quantity: number) => quantity <= 1000 || 'at most 1000';
const expiredCoupon = ({ input }: { readonly input: QuoteInput }) => input.couponCode === 'EXPIRED';
const RESULT = Object.freeze({ priceCents: 1234, currency: 'EUR' });
const execute = () => RESULT;

const PreviewQuote = useCase(null, {
  name: 'PreviewQuote',
  params: { storeId: t.Integer() },
  input: Quote,
  readOnly: true,
  computes: ({ set }) => [
    set('quantity', wholeQuantity),
    set('couponCode', normalizeCoupon).whenPresent('couponCode'),
  ],
  rules: ({ check, forbid }) => [
    check('quantity', positive),
    check('quantity', notTooMany),
    forbid(expiredCoupon, 'coupon expired', { field: 'couponCode' }),
  ],
  execute,
});

const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
let statements = 0;
db.onStatement(() => statements++);
const kernel = new Kernel({ db, cursorSecret: 'bench-executor-secret' });
kernel.compile([PreviewQuote]);

const PARAMS = { storeId: '7' } as const;
const PAYLOAD = { productId: 3, quantity: 2.5, couponCode: ' spring ' };

function viaKernel() {
  return kernel.invokeRaw(PreviewQuote, { params: PARAMS, payload: PAYLOAD });
}

/** The same work written by hand, as a use case without the framework would do it. */
async function byHand(params: { readonly storeId: string }, payload: unknown) {
  const storeId = Number(params.storeId);
  if (!Number.isInteger(storeId)) throw new BadRequest('invalid storeId', 'storeId');
  let input = Quote.parse(payload);
  const ctx = { input, params: { storeId }, load: {} };
  input = withFields(input, { quantity: wholeQuantity(ctx) });
  if (input.$fieldsSet.has('couponCode')) {
    const coupon = normalizeCoupon({ input });
    if (coupon !== undefined) input = withFields(input, { couponCode: coupon });
  }
  const violations: { field: string | null; message: string }[] = [];
  for (const check of [positive, notTooMany]) {
    const r = check(input.quantity);
    if (r !== true) violations.push({ field: 'quantity', message: r });
  }
  if (expiredCoupon({ input })) violations.push({ field: 'couponCode', message: 'coupon expired' });
  if (violations.length > 0) throw new RuleViolations(violations);
  return execute();
}

/** µs per call of `calls` sequential awaited calls. */
async function measure(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - start) / calls / 1000;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

// Both paths must agree before anything is timed.
const expected = JSON.stringify(await byHand(PARAMS, PAYLOAD));
if (JSON.stringify(await viaKernel()) !== expected) throw new Error('kernel and hand-written results differ');
await expect422(() =>
  kernel.invokeRaw(PreviewQuote, { params: PARAMS, payload: { ...PAYLOAD, quantity: 0 } }),
);
await expect422(() => byHand(PARAMS, { ...PAYLOAD, quantity: 0 }));

const hand = () => byHand(PARAMS, PAYLOAD);
await measure(viaKernel, WARMUP);
await measure(hand, WARMUP);

const kernelRounds: number[] = [];
const handRounds: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the order so drift (thermal, GC) does not favour one side.
  if (r % 2 === 0) {
    kernelRounds.push(await measure(viaKernel, CALLS));
    handRounds.push(await measure(hand, CALLS));
  } else {
    handRounds.push(await measure(hand, CALLS));
    kernelRounds.push(await measure(viaKernel, CALLS));
  }
}
if (statements !== 0) throw new Error(`the database was touched (${statements} statements)`);
await db.close();

const k = median(kernelRounds);
const h = median(handRounds);
const overhead = k - h;
const fmt = (us: number) => us.toFixed(2);
const cpu = cpus()[0]?.model ?? 'unknown CPU';

console.log(`kernel.invoke  ${fmt(k)} µs/call   (rounds: ${kernelRounds.map(fmt).join(', ')})`);
console.log(`by hand        ${fmt(h)} µs/call   (rounds: ${handRounds.map(fmt).join(', ')})`);
console.log(`executor overhead: ${fmt(overhead)} µs/call (${(k / h).toFixed(2)}× the hand-written call)`);

const md = `# Executor overhead (no I/O)

Measured by \`node bench/executor/overhead.ts\` on ${new Date().toISOString().slice(0, 10)}.

${table([
  ['path', `µs/call (median of ${ROUNDS} rounds × ${CALLS.toLocaleString('en')} calls)`],
  ['`kernel.invoke` (bind params → parse → 2 computes → 3 rules → execute)', fmt(k)],
  ['the same functions called by hand', fmt(h)],
  ['**executor overhead**', `**${fmt(overhead)}** (${(k / h).toFixed(2)}×)`],
])}

Rounds, kernel: ${kernelRounds.map(fmt).join(', ')} µs; by hand: ${handRounds.map(fmt).join(', ')} µs.

What is measured: one use case with one integer param (passed as the string \`"7"\`, as a path param
would be), an input command of 4 fields (one of them a patch), 2 computes (one behind \`whenPresent\`),
3 rules (two checks, one forbid), no loads, \`execute\` returning a constant; \`readOnly: true\`, so no
transaction, on a kernel over an in-memory SQLite database that is never touched (asserted: 0
statements). Calls are awaited one after another after ${WARMUP.toLocaleString('en')} warm-up calls per
path; timing with \`process.hrtime.bigint()\`.

The hand-written baseline calls the same command parser (\`Quote.parse\`, the same compiled validator),
the same compute and rule functions and \`withFields\`, so the difference is what the executor itself
adds: param validation through the compiled schema, plan iteration, rule-result interpretation, the
per-call context objects (\`Object.create(services)\`), \`performance.now()\` timing and the observer hook.

Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version};
load average at the end of the run: ${loadavg()
  .map((l) => l.toFixed(2))
  .join(', ')} (other work on the machine inflates both paths alike).
`;
const out = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
writeFileSync(out, md);
console.log(`wrote ${out}`);

/** A Markdown table with padded columns (as the formatter writes it). */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function expect422(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof RuleViolations) return;
    throw error;
  }
  throw new Error('expected a rule violation');
}
