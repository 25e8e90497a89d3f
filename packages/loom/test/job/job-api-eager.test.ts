import { describeJobApi } from './job-api-suite.ts';
import { eagerTarget } from './support/targets.ts';

// Dispatch options, per-dispatch callbacks, wait and status on the eager backend (both dialects).
describeJobApi(eagerTarget());
