import { Writable } from 'node:stream';
import pino from 'pino';

/** A JSON log line (pino), as parsed. */
export type LogLine = Readonly<Record<string, unknown>>;

/** Collects JSON log lines from a byte stream that may split lines across chunks; other lines are kept as text. */
export interface LineCollector {
  readonly lines: LogLine[];
  readonly text: string[];
  write(chunk: string): void;
}

export function lineCollector(): LineCollector {
  const lines: LogLine[] = [];
  const text: string[] = [];
  let pending = '';
  return {
    lines,
    text,
    write(chunk) {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) {
        if (part.trim() === '') continue;
        try {
          lines.push(JSON.parse(part) as LogLine);
        } catch {
          text.push(part);
        }
      }
    },
  };
}

/** A pino logger writing its JSON lines to memory (what `createApp({ logger })` takes). */
export function captureLogger(level = 'info'): {
  readonly logger: pino.Logger;
  readonly collector: LineCollector;
} {
  const collector = lineCollector();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      collector.write(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level }, stream), collector };
}
