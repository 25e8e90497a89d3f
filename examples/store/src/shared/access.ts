import { guard, type Identity } from 'loom-kernel';

// Who may reach what when the store runs with auth on (config/auth.yaml, docs/security.md): a user owns
// their addresses and orders; an `admin` reaches everything. With auth off (the default) loom does not
// check guards, and the store behaves as before.

/** The caller is an administrator. */
export const isAdmin = (identity: Identity | undefined): boolean =>
  identity?.roles.includes('admin') ?? false;

/** The caller is user `userId` (the token's subject is the user id), or an administrator. */
export const isUser = (identity: Identity | undefined, userId: unknown): boolean =>
  isAdmin(identity) || (identity !== undefined && identity.subject === String(userId));

/** Routes under `/users/{userId}/…`: only that user. Decided before any load (no existence leak). */
export const ownsUserParam = guard.allowIf(
  ({ identity, params }) => isUser(identity, params.userId),
  'you may only reach your own resources',
);

/** Administrators only. */
export const adminOnly = guard.requireRoles('admin');
