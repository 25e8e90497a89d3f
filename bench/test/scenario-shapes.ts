import { expect } from 'vitest';
import { DATASET } from '../seed.ts';

export interface Json {
  [key: string]: unknown;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A record on the wire: camelCase, ISO timestamps; `hasNotes` only where the profile projects it. */
export function expectRecord(value: unknown, projections: boolean): void {
  const r = value as Json;
  expect(r).toMatchObject({
    id: expect.any(Number),
    ownerId: expect.any(Number),
    requestId: expect.stringMatching(/^req-\d+$/),
    fullName: expect.stringMatching(/^Record \d+$/),
    email: expect.stringContaining('@'),
    createdAt: expect.stringMatching(ISO),
    updatedAt: expect.stringMatching(ISO),
  });
  if (projections) expect(r.hasNotes).toBeTypeOf('boolean');
  else expect(r).not.toHaveProperty('hasNotes');
}

/**
 * What each benchmark scenario's 200 response must look like, for any app under test (native now, loom
 * later): the apps must do the same work for the comparison to mean anything.
 */
export const SCENARIO_SHAPES: Record<string, (json: Json) => void> = {
  ping: (json) => expect(json).toEqual({ status: 'ok' }),
  get_by_id_with_details: (json) => {
    expectRecord(json, true);
    expect(json.owner).toMatchObject({
      id: json.ownerId,
      fullName: expect.any(String),
      email: expect.any(String),
    });
    expect(json.notes).toHaveLength(DATASET.notesPerRecord);
    expect(json.notesCount).toBe(DATASET.notesPerRecord);
    expect(json.noteSnippets).toHaveLength(DATASET.notesPerRecord);
  },
  list_cursor_no_count: (json) => {
    expect(Object.keys(json).sort()).toEqual(['hasNext', 'items', 'nextCursor']);
    expect(json.items).toHaveLength(25);
    for (const item of json.items as unknown[]) expectRecord(item, true);
    expect(json.hasNext).toBe(true);
    expect(json.nextCursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  },
  list_offset_with_count: (json) => {
    expect(Object.keys(json).sort()).toEqual(['hasNext', 'items', 'limit', 'page', 'totalCount']);
    expect(json.items).toHaveLength(25);
    for (const item of json.items as unknown[]) expectRecord(item, true);
    expect(json.totalCount).toBe(DATASET.records);
  },
  update_autocrud_plain: (json) => {
    expectRecord(json, false);
    expect(json.email).toMatch(/^record-\d+-\d+@example\.com$/);
  },
  create_with_rules: (json) => {
    expect(Object.keys(json)).toEqual(['id', 'fullName', 'email']);
    expect(json.id).toBeGreaterThan(DATASET.users + DATASET.spareUsers);
    expect(json.fullName).toMatch(/^New User \d+$/);
    expect(json.email).toMatch(/^new-[a-z0-9-]+-\d+@example\.com$/);
  },
  job_dispatch: (json) => {
    expect(Object.keys(json).sort()).toEqual(['jobId', 'queue']);
    expect(json.queue).toBe('bench');
    expect(json.jobId).toEqual(expect.any(String));
  },
  pricing_preview_input_compute: (json) =>
    expect(Object.keys(json).sort()).toEqual(
      [
        'country',
        'discountAmount',
        'effectiveDiscountPct',
        'normalizedEmail',
        'quantity',
        'shippingCost',
        'subtotal',
        'taxAmount',
        'taxRate',
        'total',
        'unitPrice',
      ].sort(),
    ),
};
