import { describe, expect, it } from 'vitest';
import { breaksConnection, databaseFailureOf } from './connection-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseFailureOf', () => {
  it.each([
    ['57P01', 'unreachable'],
    ['57P03', 'unreachable'],
    ['08006', 'unreachable'],
    ['53300', 'unreachable'],
    ['ECONNREFUSED', 'unreachable'],
    ['ECONNRESET', 'unreachable'],
    ['57014', 'timeout'],
    ['25P03', 'timeout'],
    ['55P03', 'timeout'],
    ['SQLITE_BUSY', 'timeout'],
  ])('classifies code %s as %s', (code, expected) => {
    expect(databaseFailureOf(withCode(code))).toBe(expected);
  });

  it.each([
    ['Connection terminated unexpectedly', 'unreachable'],
    ['timeout exceeded when trying to connect', 'timeout'],
    ['Query read timeout', 'timeout'],
    ['Connection terminated due to connection timeout', 'timeout'],
    ['Client has encountered a connection error and is not queryable', 'unreachable'],
  ])('classifies the driver message "%s" as %s', (message, expected) => {
    expect(databaseFailureOf(new Error(message))).toBe(expected);
  });

  it('looks through AggregateError members and causes', () => {
    expect(databaseFailureOf(new AggregateError([withCode('ECONNREFUSED')], 'connect failed'))).toBe(
      'unreachable',
    );
    expect(databaseFailureOf(new Error('wrapped', { cause: withCode('57014') }))).toBe('timeout');
  });

  it('leaves integrity errors, syntax errors and non-errors alone', () => {
    expect(databaseFailureOf(withCode('23505', 'duplicate key'))).toBeNull();
    expect(databaseFailureOf(withCode('42601', 'syntax error'))).toBeNull();
    expect(databaseFailureOf(new Error('boom'))).toBeNull();
    expect(databaseFailureOf('text')).toBeNull();
  });
});

describe('breaksConnection', () => {
  it('is true for a lost or hung connection, false for a server-side statement timeout', () => {
    expect(breaksConnection(new Error('Query read timeout'))).toBe(true);
    expect(breaksConnection(withCode('57P01'))).toBe(true);
    expect(breaksConnection(withCode('57014'))).toBe(false);
    expect(breaksConnection(withCode('23505'))).toBe(false);
  });
});
