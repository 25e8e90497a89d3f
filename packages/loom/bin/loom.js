#!/usr/bin/env node
// The `loom` command. Registers tsx first, so that applications written in TypeScript (their config
// modules, models, use cases and migrations) load as they are, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exit(await runCli(process.argv.slice(2)));
