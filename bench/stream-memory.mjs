// Streams a file into a fresh ChatIndex (64 KiB chunks, as fetch delivers
// them) and reports the wasm memory afterwards: run in its own process,
// because wasm memory never shrinks.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { ChatIndex, wasmMemoryBytes } from '../pkg/node.mjs';

const index = new ChatIndex(null);
const t0 = performance.now();
await index.addStream(Readable.toWeb(createReadStream(process.argv[2], { highWaterMark: 64 * 1024 })));
index.settle();
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ rooms: index.size, ms, wasmMemory: wasmMemoryBytes(), perRoom: index.memoryBytes / index.size }));
