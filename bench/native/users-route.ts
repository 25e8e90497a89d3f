import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { HttpProblem } from './problem.ts';
import { CREATE_USER, EMAIL_TAKEN } from './sql.ts';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const bodySchema = {
  type: 'object',
  properties: { fullName: { type: 'string', maxLength: 120 }, email: { type: 'string', maxLength: 255 } },
  required: ['fullName', 'email'],
} as const;

const userSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, fullName: { type: 'string' }, email: { type: 'string' } },
  required: ['id', 'fullName', 'email'],
} as const;

interface NewUser {
  fullName: string;
  email: string;
}

/**
 * `POST /bench/users`: two rules and the unique check (all reported in one 422), then the insert.
 * Two round trips, no transaction: the insert is the only write and the unique index backs the check.
 */
export function registerUsersRoute(app: FastifyInstance, pool: pg.Pool): void {
  app.post<{ Body: NewUser }>(
    '/bench/users',
    { schema: { body: bodySchema, response: { 201: userSchema } } },
    async (request, reply) => {
      const { fullName, email } = request.body;
      const taken = await pool.query({ ...EMAIL_TAKEN, values: [email] });
      const violations: { field: string; message: string }[] = [];
      if (fullName.trim() === '') violations.push({ field: 'fullName', message: 'must not be blank' });
      if (!EMAIL.test(email)) violations.push({ field: 'email', message: 'invalid email' });
      if (taken.rows.length > 0) violations.push({ field: 'email', message: 'email already exists' });
      if (violations.length > 0) {
        throw new HttpProblem({
          title: 'Unprocessable Content',
          status: 422,
          detail: 'rules failed',
          code: 'rule_violation',
          violations,
        });
      }
      const { rows } = await pool.query({ ...CREATE_USER, values: [fullName, email] });
      reply.code(201);
      return rows[0];
    },
  );
}
