// All the cores: the benchmark's rooms as REST pages of 10,000 (a first
// visit's pages, as bytes), read by one index on this thread, then by N
// worker threads, each reading every N-th run of consecutive pages into
// an index of its own and sending its `toBytes()`; this thread opens each
// with `ChatIndex.fromBytes` and merges them in page order (also with the
// first shard read on this thread, beside N − 1 workers). Timed from the
// pages in hand (the workers started and their module loaded) to the
// merged index answering its first query; every merged index is checked
// against the single one on 200 queries before its time is reported.
//
//   node --max-old-space-size=8000 bench/merge-workers.mjs [--rooms=1m] [--workers=1,2,4] [--runs=3]
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { ChatIndex } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, roomTextChunks } from './data.mjs';
import { queries } from './engines.mjs';

const PAGE = 10_000;

if (!isMainThread) {
  // A worker: reads its pages when asked, answers with its index's bytes.
  parentPort.on('message', (pages) => {
    const t0 = performance.now();
    const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
    for (const page of pages) index.add(new Uint8Array(page));
    const read = performance.now() - t0;
    const bytes = index.toBytes();
    index.free();
    parentPort.postMessage({ bytes, read, toBytes: performance.now() - t0 - read }, [bytes.buffer]);
  });
  parentPort.postMessage('ready');
} else {
  const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
  const counts = arg('workers', '1,2,4').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  // The pages, as a server sends them (the same rooms as bench/data's file).
  const encoder = new TextEncoder();
  const pages = [];
  let offset = 0;
  for (const chunk of roomTextChunks(count, PAGE)) {
    pages.push(encoder.encode(`{"rooms":[${chunk.join(',')}],"count":${chunk.length},"offset":${offset},"total":${count},"success":true}`));
    offset += chunk.length;
  }
  const megabytes = pages.reduce((n, p) => n + p.length, 0) / 1e6;
  const probes = queries(200, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);
  const answers = (index) => probes.map((q) => JSON.stringify(Object.entries(index.query(q.params)).sort()));

  const single = [];
  let expected;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
    for (const page of pages) index.add(page);
    index.query(probes[0].params);
    single.push(performance.now() - t0);
    expected ??= answers(index);
    index.free();
  }

  const rows = [['one index on this thread', median(single), 1, '']];
  // n shards: read by n workers, or (`here`) the first on this thread and
  // the others by n − 1 workers (this thread would otherwise wait idle:
  // in a dashboard it is the worker that holds the index).
  for (const [n, here] of counts.flatMap((n) => [[n, false], ...(n > 1 ? [[n, true]] : [])])) {
    const workers = await Promise.all(
      Array.from({ length: here ? n - 1 : n }, () => new Promise((resolve) => {
        const worker = new Worker(new URL(import.meta.url));
        worker.once('message', () => resolve(worker));
      })),
    );
    const times = [];
    let parts;
    for (let run = 0; run < runs; run++) {
      // Shard k: pages k·len/n … (k+1)·len/n, consecutive, so merging in
      // shard order is merging in page order. Copies, so that each run
      // can transfer its own.
      const shards = Array.from({ length: n }, (_, k) => pages.slice(Math.floor((k * pages.length) / n), Math.floor(((k + 1) * pages.length) / n)).map((p) => p.slice().buffer));
      const t0 = performance.now();
      const sent = here ? shards.slice(1) : shards;
      const replies = workers.map((worker, k) => new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(sent[k], sent[k]);
      }));
      let index;
      const merges = [];
      if (here) {
        index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
        for (const page of shards[0]) index.add(new Uint8Array(page));
      }
      for (const reply of replies) {
        const { bytes, read, toBytes } = await reply;
        const t1 = performance.now();
        const shard = ChatIndex.fromBytes(bytes, { timeZone: 'UTC' });
        if (index) index.merge(shard);
        else index = shard;
        merges.push({ read, toBytes, openAndMerge: performance.now() - t1 });
      }
      index.query(probes[0].params);
      times.push(performance.now() - t0);
      const got = answers(index);
      const wrong = got.findIndex((a, i) => a !== expected[i]);
      if (wrong >= 0) throw new Error(`${n} workers: query ${wrong} differs from the single index: ${got[wrong]} vs ${expected[wrong]}`);
      index.free();
      parts = merges;
    }
    const t = median(times);
    const worst = (key) => Math.max(...parts.map((p) => p[key])).toFixed(0);
    const merge = parts.reduce((s, p) => s + p.openAndMerge, 0).toFixed(0);
    const who = here ? `this thread + ${n - 1} worker${n > 2 ? 's' : ''}` : `${n} worker${n > 1 ? 's' : ''}`;
    rows.push([`${who} + merge`, t, median(single) / t, `slowest shard read ${worst('read')} ms, toBytes ${worst('toBytes')} ms; fromBytes + merge on this thread ${merge} ms in all`]);
    for (const worker of workers) await worker.terminate();
  }

  console.log(`\n${count.toLocaleString('en')} rooms in ${pages.length} REST pages (${megabytes.toFixed(0)} MB), ${os.cpus().length} cores (${os.cpus()[0].model}), Node ${process.version}; median of ${runs}; every merged index checked on 200 queries\n`);
  console.log('| reading the pages | time to first answer | speed-up | where the time goes |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, t, speedup, note] of rows) console.log(`| ${name} | ${t.toFixed(0)} ms | ${speedup.toFixed(2)}x | ${note} |`);
}
