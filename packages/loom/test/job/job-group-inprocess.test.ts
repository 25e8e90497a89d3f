import { describeJobGroups } from './job-group-suite.ts';
import { inProcessTarget } from './support/targets.ts';

// Job groups (dispatchGroup with onComplete) on the inprocess backend (both dialects).
describeJobGroups(inProcessTarget());
