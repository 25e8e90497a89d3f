import { describeJobApi } from './job-api-suite.ts';
import { inProcessTarget } from './support/targets.ts';

// Dispatch options, per-dispatch callbacks, wait and status on the inprocess backend (both dialects).
describeJobApi(inProcessTarget());
