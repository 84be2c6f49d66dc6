// The limits a hostile or careless caller meets, and the wasm memory each
// scenario leaves behind: what it grew by the first time, and by how much
// more after running it three times again (0: the memory came back to the
// allocator and was reused). Wasm memory never shrinks, so "returned"
// means reused, never held anew.
//
//   node bench/limits.mjs
import { ChatIndex, chatsPerDepartment, wasmMemoryBytes } from '../pkg/node.mjs';

const P = { start: '2000-01-01', end: new Date(Date.UTC(2000, 0, 1) + 10_000 * 86_400_000 - 1).toISOString() };
const detached = () => {
  const bytes = new TextEncoder().encode('[{"t":"l","departmentId":"d","ts":"2020-05-01T00:00:00Z"}]');
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
};
const rooms = (n) => Array.from({ length: n }, (_, i) => ({ _id: `r${i}`, t: 'l', departmentId: `d${i}`, department: { _id: `d${i}`, name: `D${i}` }, ts: new Date(Date.UTC(2000, 0, 1) + (i % 10_000) * 86_400_000).toISOString() }));
const wide = new ChatIndex(null, { timeZone: 'UTC' });
wide.add(rooms(20_000));
const many = new ChatIndex(null, { timeZone: 'UTC' });
many.add(rooms(2_000));
const small = new ChatIndex(null, { timeZone: 'UTC' });
small.add(rooms(2_000));
small.settle();
const refuse = (f) => {
  try {
    f();
    return 'answered';
  } catch (e) {
    return `refused: ${e.message.slice(0, 70)}`;
  }
};
let clock = 1;

const scenarios = {
  '2,000 × chatsPerDepartment(detached bytes)': () => { for (let i = 0; i < 2000; i++) refuse(() => chatsPerDepartment(detached(), null, P)); return refuse(() => chatsPerDepartment(detached(), null, P)); },
  'series, 20,000 departments × 10,000 days': () => wide.series(P, { bucket: 'day' }).error?.slice(0, 70),
  'series, 2,000 departments × 10,000 days': () => `${many.series(P, { bucket: 'day' }).buckets.length} buckets`,
  'fromBytes(1.1 GiB of zeros)': () => refuse(() => ChatIndex.fromBytes(new Uint8Array(1.1 * 2 ** 30))),
  'fromBytes(1 GiB of zeros)': () => refuse(() => ChatIndex.fromBytes(new Uint8Array(2 ** 30))),
  '100,000 one-room updates, no query': () => { for (let k = 0; k < 100_000; k++) small.add([{ _id: `r${k % 2000}`, _updatedAt: clock++, t: 'l', ...(k % 2 ? {} : { open: true }), departmentId: `d${k % 20}`, ts: '2020-05-01T00:00:00Z' }]); return `${small.memoryBytes} bytes held`; },
  'add(50M records of {})': () => refuse(() => small.add(Buffer.alloc(150e6, '{}\n'))),
};

console.log('| scenario | outcome | wasm memory grown, first run | grown more, 3 runs later |');
console.log('|---|---|--:|--:|');
for (const [name, run] of Object.entries(scenarios)) {
  const before = wasmMemoryBytes();
  const outcome = run();
  const first = wasmMemoryBytes() - before;
  const settled = wasmMemoryBytes();
  for (let i = 0; i < 3; i++) run();
  const more = wasmMemoryBytes() - settled;
  console.log(`| ${name} | ${outcome} | ${(first / 1e6).toFixed(1)} MB | ${(more / 1e6).toFixed(1)} MB |`);
}
