import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequest, type LoomError } from '../errors/index.ts';
import { HttpClientError } from './http-errors.ts';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.ts';
import { newTraceId, TRACE_HEADER } from './trace-id.ts';

/**
 * Answers a request Node's HTTP parser rejected (malformed request line or headers, headers too large,
 * timeouts) with a problem document like every other error, then closes the connection. Such a request
 * never reaches Fastify's routing, so it gets a fresh trace id.
 *
 * @example
 * ```ts
 * Fastify({ clientErrorHandler: problemClientErrorHandler('urn:loom:problem:') });
 * ```
 */
export function problemClientErrorHandler(typeBase?: string, traceHeader: string = TRACE_HEADER) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const loomError: LoomError =
      status === 400
        ? new BadRequest('the request is not valid HTTP')
        : new HttpClientError(status, STATUS_CODES[status] ?? 'Client Error');
    const traceId = newTraceId();
    const body = JSON.stringify(
      problemOf(loomError, { traceId, ...(typeBase === undefined ? {} : { typeBase }) }),
    );
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `content-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `${traceHeader}: ${traceId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  };
}
