import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9457 problem details, as the wire contract (DESIGN.md §6) answers every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  traceId: string;
  violations?: { field: string; message: string }[];
  entity?: string;
  id?: number;
}

export type ProblemInit = Omit<Problem, 'type' | 'traceId'>;

/** Thrown by handlers; the error handler turns it into a problem+json response. */
export class HttpProblem extends Error {
  readonly problem: ProblemInit;

  constructor(problem: ProblemInit) {
    super(problem.detail);
    this.problem = problem;
  }
}

export function notFound(entity: string, id: number): HttpProblem {
  return new HttpProblem({
    title: 'Not Found',
    status: 404,
    detail: `${entity} ${id} not found`,
    code: 'not_found',
    entity,
    id,
  });
}

function send(request: FastifyRequest, reply: FastifyReply, init: ProblemInit): FastifyReply {
  const problem: Problem = { type: 'about:blank', ...init, traceId: request.id };
  return reply.code(init.status).type('application/problem+json').send(problem);
}

/** Body validation → 422 with violations, other validation (params, query) → 400, malformed JSON → 400. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpProblem) return send(request, reply, error.problem);
    if (error.validation !== undefined) {
      const violations = error.validation.map((v) => ({
        field:
          v.instancePath.replace(/^\//, '').replaceAll('/', '.') || String(v.params.missingProperty ?? ''),
        message: v.message ?? 'invalid',
      }));
      const body = error.validationContext === 'body';
      return send(request, reply, {
        title: body ? 'Unprocessable Content' : 'Bad Request',
        status: body ? 422 : 400,
        detail: error.message,
        code: 'validation_error',
        violations,
      });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return send(request, reply, {
        title: 'Bad Request',
        status,
        detail: error.message,
        code: 'bad_request',
      });
    }
    request.log.error(error);
    return send(request, reply, {
      title: 'Internal Server Error',
      status: 500,
      detail: 'unexpected error',
      code: 'internal_error',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, {
      title: 'Not Found',
      status: 404,
      detail: `no route ${request.method} ${request.url}`,
      code: 'route_not_found',
    }),
  );
}
