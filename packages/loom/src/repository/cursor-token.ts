import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursor } from '../errors/index.ts';

/**
 * Opaque, tamper-evident keyset cursors: `base64url(JSON) . base64url(HMAC-SHA256)`. The payload holds
 * the sort signature it was made for (`stock:asc,id:asc`) and the last row's values of those fields,
 * so a token cannot be forged, truncated, re-signed without the secret, or replayed on another sort.
 *
 * @example
 * ```ts
 * const codec = cursorCodec('secret');
 * const token = codec.encode('id:asc', [42]);
 * codec.decode(token, 'id:asc'); // [42]
 * ```
 */
export interface CursorCodec {
  encode(signature: string, values: readonly unknown[]): string;
  /** The values; throws {@link InvalidCursor} (400) on any malformed, forged or mismatched token. */
  decode(token: string, signature: string): unknown[];
}

const SIG_BYTES = 18;

/**
 * `JSON.stringify({ s: signature, v: values })`, the same text, without the stringifier's set-up for the
 * common page of integer keys (one cursor per list page: the serializer's fixed cost showed per request).
 */
function payloadJson(signature: string, values: readonly unknown[]): string {
  if (values.every((v) => Number.isSafeInteger(v))) {
    return `{"s":${JSON.stringify(signature)},"v":[${values.join(',')}]}`;
  }
  return JSON.stringify({ s: signature, v: values });
}

export function cursorCodec(secret: string): CursorCodec {
  if (secret.length < 8) throw new Error('cursor secret must be at least 8 characters');
  const sign = (body: string) =>
    createHmac('sha256', secret).update(body).digest().subarray(0, SIG_BYTES).toString('base64url');
  return {
    encode(signature, values) {
      const body = Buffer.from(payloadJson(signature, values)).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    decode(token, signature) {
      const invalid = (why: string): never => {
        throw new InvalidCursor(`invalid cursor: ${why}`, 'after');
      };
      if (typeof token !== 'string' || token.length > 4096) invalid('malformed');
      const dot = token.indexOf('.');
      if (dot <= 0 || dot !== token.lastIndexOf('.')) invalid('malformed');
      const body = token.slice(0, dot);
      const mac = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = Buffer.from(sign(body), 'base64url');
      if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) invalid('signature mismatch');
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return invalid('malformed');
      }
      const p = parsed as { s?: unknown; v?: unknown };
      if (typeof parsed !== 'object' || parsed === null || !Array.isArray(p.v)) return invalid('malformed');
      if (p.s !== signature) invalid('the cursor belongs to another sort order');
      return p.v as unknown[];
    },
  };
}
