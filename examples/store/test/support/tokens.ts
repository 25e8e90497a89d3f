import { SignJWT } from 'jose';

// The development defaults of config/auth.yaml (tests run in the test environment, where they are accepted).
const SECRET = 'store-dev-jwt-secret-change-me-0000000000';

/** A store token for user `userId` (its `sub`), with roles. */
export function storeToken(userId: number | string, roles: readonly string[] = []): Promise<string> {
  return new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuer('store')
    .setAudience('store-api')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

/** The `authorization` header of a token. */
export const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
