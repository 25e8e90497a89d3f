import { describeJobApi } from './job-api-suite.ts';
import { bullmqTarget } from './support/targets.ts';

// Dispatch options, per-dispatch callbacks, wait and status on the bullmq backend (both dialects).
describeJobApi(bullmqTarget());
