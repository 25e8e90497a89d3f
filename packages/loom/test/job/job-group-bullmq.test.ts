import { describeJobGroups } from './job-group-suite.ts';
import { bullmqTarget } from './support/targets.ts';

// Job groups (dispatchGroup with onComplete) on the bullmq backend (both dialects).
describeJobGroups(bullmqTarget());
