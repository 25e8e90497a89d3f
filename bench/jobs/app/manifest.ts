/** The declarations of the jobs bench's app (`jobs.yaml`, manifest discovery). */
import { DispatchNoop, Noop, NoopCallbacks } from '../declarations.ts';

export const MODELS = [];
export const USE_CASES = [DispatchNoop];
export const JOBS = [Noop];
export const CALLBACKS = [NoopCallbacks];
export const INTERFACES = [];
