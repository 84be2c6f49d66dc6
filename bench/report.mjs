// The results table, the same for the Node and the Chromium runs.

export const fmt = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(1)} µs`);

export function printTable(size, out, print = console.log) {
  const q = out.query;
  const base = q['ChatIndex.query'].median;
  print(`\n## ${Number(size).toLocaleString('en')} rooms (${(out.bytes / 1e6).toFixed(0)} MB of JSON)`);
  print('\n| cold path: JSON bytes -> body | median | ratio |\n| --- | --- | --- |');
  print(`| JSON.parse + hand-written JS loop | ${fmt(out.cold.js)} | ${(out.cold.js / out.cold.lib).toFixed(1)}x slower |`);
  print(`| chatsPerDepartment(bytes) | ${fmt(out.cold.lib)} | 1x |`);
  print('\n| re-query on loaded data | median | p99 | median vs ChatIndex | load time |\n| --- | --- | --- | --- | --- |');
  const loads = { 'ChatIndex.query': out.load.chatIndex, 'typed arrays (JS loop)': out.load.extract, crossfilter2: out.load.crossfilter, 'DuckDB-Wasm': out.load.duckdb, Arquero: out.load.arquero };
  for (const [name, s] of Object.entries(q)) {
    const batch = s.batch > 1 ? ` (means of ${s.batch}-query batches)` : '';
    print(`| ${name}${batch} | ${fmt(s.median)} | ${fmt(s.p99)} | ${name === 'ChatIndex.query' ? '1x' : `${(s.median / base).toFixed(0)}x slower`} | ${fmt(loads[name])} |`);
  }
  const stream = out.stream;
  const memory = stream.wasmMemory ? `; wasm memory after it, fresh instance: ${(stream.wasmMemory / 1e6).toFixed(1)} MB = ${(stream.wasmMemory / size).toFixed(1)} B/room` : '';
  print(`\nChatIndex: ${out.memory.perRoom.toFixed(2)} B/room held; addStream of the file: ${fmt(stream.ms)}${memory}`);
  if (out.timerResolution) print(`Timer resolution in the page: ${out.timerResolution}.`);
  if (out.heavy) {
    const heap = out.heavy.heapBytes ? `${(out.heavy.heapBytes / 1e6).toFixed(0)} MB` : 'the parsed rooms';
    const line = (s) => `median ${(s.median * 1000).toFixed(2)} µs, p99 ${(s.p99 * 1000).toFixed(2)} µs`;
    print(`With the page's heap holding ${heap}, means per query over batches of 10: index.query ${line(out.heavy.query)}; index.countsInto ${line(out.heavy.countsInto)}.`);
  }
  if (out.queryBatched) print(`index.query alone, mean per query over batches of 100: median ${(out.queryBatched.median * 1000).toFixed(2)} µs, slowest batch of the fastest 99% ${(out.queryBatched.p99 * 1000).toFixed(2)} µs.`);
}
