// Child process of engine-tuning.test.ts: boots the store through createApp (the package by its name,
// as a user imports it), then allocates literals that survive young collections — the pattern V8's allocation-site
// pretenuring feeds on — between two markers on stdout.
import { createApp } from 'loom-kernel/app';

const app = await createApp(...process.argv.slice(2));
console.log('LOOM_BOOTED');
const kept: { index: number; list: number[] }[] = [];
for (let index = 0; index < 500_000; index++) kept.push({ index, list: [index] });
console.log(`LOOM_ALLOCATED ${kept.length}`);
await app.close();
