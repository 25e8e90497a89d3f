/** Reusable rule predicates of the store. A predicate returns true when the value is fine, else a message. */

export const notBlank = (field: string) => (value: string) =>
  value.trim() !== '' || `${field} must not be blank`;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const validEmail = (value: string) => EMAIL.test(value) || 'email must be valid';
