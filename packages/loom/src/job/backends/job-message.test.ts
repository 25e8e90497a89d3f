import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  checkMessage,
  decodeMessage,
  encodeMessage,
  encodingOf,
  normaliseMessage,
} from './job-message.ts';
import type { JobMessage } from './queue-backend.ts';
import { message } from './test-fixtures/harness.ts';

describe('normaliseMessage', () => {
  it('returns a JSON copy: what a consumer of any backend sees', () => {
    const original = message('q', { payload: { at: new Date(0), gone: undefined, list: [1] } });
    const copy = normaliseMessage(original);
    expect(copy).not.toBe(original);
    expect(copy.payload).toEqual({ at: '1970-01-01T00:00:00.000Z', list: [1] });
  });

  it.each<[string, Partial<JobMessage>, RegExp]>([
    ['empty id', { id: '' }, /id must be a non-empty string/],
    ['integer id', { id: '42' }, /id must not be an integer string/],
    ['id with colon', { id: 'a:b' }, /id must not contain ":"/],
    ['empty name', { name: '' }, /name must be a non-empty string/],
    ['queue with colon', { queue: 'a:b' }, /invalid queue name "a:b"/],
    ['zero attempts', { attempts: 0 }, /attempts must be an integer ≥ 1/],
    ['fractional attempts', { attempts: 1.5 }, /attempts must be an integer ≥ 1/],
    ['negative backoff', { backoffMs: -1 }, /backoffMs must be a finite number ≥ 0/],
    ['negative delay', { delayMs: -5 }, /delayMs must be ≥ 0/],
    ['zero timeout', { timeoutMs: 0 }, /timeoutMs must be > 0/],
    ['priority too high', { priority: 2_097_152 }, /priority must be an integer in 0..2097151/],
    ['bigint payload', { payload: { n: 1n } }, /not JSON-serialisable/],
  ])('rejects %s with a TypeError naming the field', (_, overrides, why) => {
    const bad = { ...message('q'), ...overrides };
    expect(() => normaliseMessage(bad)).toThrow(TypeError);
    expect(() => normaliseMessage(bad)).toThrow(why);
  });
});

describe('encodeMessage', () => {
  it('encodes a message once: later calls, its normalised copy and a decoded row reuse the text', () => {
    const payload = { n: 1 };
    const original = message('q', { payload });
    const json = encodeMessage(original);
    expect(JSON.parse(json)).toEqual(original);
    payload.n = 2;
    expect(encodeMessage(original)).toBe(json);
    const copy = normaliseMessage(original);
    expect(copy.payload).toEqual({ n: 1 });
    expect(encodingOf(copy)).toBe(json);
    const decoded = decodeMessage(json);
    expect(decoded).toEqual(copy);
    expect(encodingOf(decoded)).toBe(json);
  });

  it('rejects what JSON cannot carry with a TypeError; checkMessage checks the fields without encoding', () => {
    const bad = message('q', { payload: { n: 1n } });
    expect(() => checkMessage(bad)).not.toThrow();
    expect(() => encodeMessage(bad)).toThrow(/not JSON-serialisable/);
    expect(() => checkMessage({ ...message('q'), attempts: 0 })).toThrow(/attempts must be an integer ≥ 1/);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base delay, as BullMQ exponential backoff does', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(100, n))).toEqual([100, 200, 400, 800]);
  });
});
