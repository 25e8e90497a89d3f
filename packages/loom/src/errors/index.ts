export * from './catalogue.ts';
export * from './loom-error.ts';
