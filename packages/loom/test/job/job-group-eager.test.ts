import { describeJobGroups } from './job-group-suite.ts';
import { eagerTarget } from './support/targets.ts';

// Job groups (dispatchGroup with onComplete) on the eager backend (both dialects).
describeJobGroups(eagerTarget());
