import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident keyset cursors: `base64url(lastId) "." base64url(hmac-sha256(secret, payload)[0..12])`.
 * A token that was not issued with this secret, or that is malformed, decodes to `undefined`.
 */
export interface CursorCodec {
  encode(lastId: number): string;
  decode(token: string): number | undefined;
}

const MAC_BYTES = 12;

export function createCursorCodec(secret: string): CursorCodec {
  const mac = (payload: string): Buffer =>
    createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
  return {
    encode(lastId) {
      const payload = Buffer.from(String(lastId)).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    decode(token) {
      const dot = token.indexOf('.');
      if (dot <= 0) return undefined;
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(payload))) return undefined;
      const text = Buffer.from(payload, 'base64url').toString();
      if (!/^[0-9]{1,10}$/.test(text)) return undefined;
      const id = Number(text);
      return id <= 2147483647 ? id : undefined;
    },
  };
}
