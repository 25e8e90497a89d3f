import { describeJobBehaviour } from './job-behaviour-suite.ts';
import { inProcessTarget } from './support/targets.ts';

describeJobBehaviour(inProcessTarget());
