#!/usr/bin/env node
// The `loom` command. A committed shim rather than a bin pointing into dist/: npm links bins at install
// time, before the root postinstall has built dist/, and skips a bin whose file does not exist yet.
import '../dist/cli/bin.js';
