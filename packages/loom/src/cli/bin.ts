#!/usr/bin/env node
// The `loom` command (package.json "bin"): compiled JavaScript, no TypeScript loader. An application's
// own TypeScript modules load through Node's type stripping (see config/import-module.ts).
import { runCli } from './main.ts';

process.exit(await runCli(process.argv.slice(2)));
