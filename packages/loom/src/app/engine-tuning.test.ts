import { describe, expect, it } from 'vitest';
import { engineFlagsFor } from './engine-tuning.ts';

const off = { allocationSitePretenuring: false };

describe('engineFlagsFor', () => {
  it('turns allocation-site pretenuring off by default', () => {
    expect(engineFlagsFor(off, { execArgv: [] })).toEqual(['--no-allocation-site-pretenuring']);
  });

  it('sets nothing when the config keeps it on', () => {
    expect(engineFlagsFor({ allocationSitePretenuring: true }, { execArgv: [] })).toEqual([]);
  });

  it("leaves a flag given on node's command line, in either spelling", () => {
    expect(engineFlagsFor(off, { execArgv: ['--allocation-site-pretenuring'] })).toEqual([]);
    expect(
      engineFlagsFor(off, { execArgv: ['--max-old-space-size=512', '--allocation_site_pretenuring'] }),
    ).toEqual([]);
    expect(engineFlagsFor(off, { execArgv: ['--no-allocation-site-pretenuring'] })).toEqual([]);
  });

  it('does not take an unrelated flag that contains the word for a choice', () => {
    expect(engineFlagsFor(off, { execArgv: ['--trace-pretenuring-statistics'] })).toEqual([
      '--no-allocation-site-pretenuring',
    ]);
  });
});
