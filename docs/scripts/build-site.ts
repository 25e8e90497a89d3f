/**
 * Builds the documentation site: the API reference (TypeDoc, into public/api/), then VitePress over
 * docs/ into docs/.vitepress/dist/. A dead link between pages fails the build.
 *
 *   npm run docs:build     # from the repository root
 */
import { join } from 'node:path';
import { build } from 'vitepress';
import { buildApi } from './build-api.ts';

const root = join(import.meta.dirname, '..');
await buildApi();
await build(root);
