import type { Logger } from '../use-case/services.ts';

/** A logger that drops everything: the default when an application configures none. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
