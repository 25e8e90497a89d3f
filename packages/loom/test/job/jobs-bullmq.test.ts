import { describeJobBehaviour } from './job-behaviour-suite.ts';
import { bullmqTarget } from './support/targets.ts';

// BullMQ on the local Redis (127.0.0.1:6379), keys under a prefix of this file's own, deleted afterwards.
describeJobBehaviour(bullmqTarget());
