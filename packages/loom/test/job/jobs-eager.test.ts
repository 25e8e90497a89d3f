import { describeJobBehaviour } from './job-behaviour-suite.ts';
import { eagerTarget } from './support/targets.ts';

// The eager backend runs a job (all its attempts) inside `publish`: the same behaviour, without waiting.
describeJobBehaviour(eagerTarget());
