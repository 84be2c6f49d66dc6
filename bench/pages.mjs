// 1M rooms `add`ed as 100 REST pages of 10,000, then `settle()`: how long
// each takes and the bytes per room held after (the id store seals at
// `settle()`). Three runs; `node bench/pages.mjs` after `bash scripts/build.sh`.
import { ChatIndex } from '../pkg/node.mjs';
import { roomTextChunks, DEPARTMENTS } from './data.mjs';

const encoder = new TextEncoder();
const pages = [];
for (const chunk of roomTextChunks(1_000_000, 10_000)) pages.push(encoder.encode(`{"rooms":[${chunk.join(',')}]}`));
for (let run = 0; run < 3; run++) {
  const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  const t0 = performance.now();
  for (const page of pages) index.add(page);
  const t1 = performance.now();
  index.settle();
  const t2 = performance.now();
  console.log(`100 pages ${(t1 - t0).toFixed(0)} ms, settle ${(t2 - t1).toFixed(0)} ms, ${(index.memoryBytes / index.size).toFixed(1)} B/room held`);
  index.free();
}
