export * from './catalogue.ts';
export * from './loom-error.ts';
export * from './preconditions.ts';
export * from './setup-errors.ts';
