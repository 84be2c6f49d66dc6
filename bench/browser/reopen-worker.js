// One reopening of a saved index, as the dashboard's worker does it on a
// new visit: start the module, read the snapshot from the origin private
// file system, ChatIndex.fromBytes, the first query. A fresh worker each
// time (bench/reopen-browser.mjs), so nothing is warm but the browser's
// own caches. With `{ write }`, stores the snapshot first.
import init, { ChatIndex } from '../../pkg/web.js';

const FILE = 'reopen-bench.bin';

self.onmessage = async ({ data }) => {
  try {
    const t0 = performance.now();
    await init();
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(FILE, { create: true });
    if (data.write) {
      const bytes = new Uint8Array(await (await fetch(data.write)).arrayBuffer());
      const file = await handle.createSyncAccessHandle();
      file.truncate(0);
      file.write(bytes, { at: 0 });
      file.flush();
      file.close();
      self.postMessage({ written: bytes.length });
      return;
    }
    const t1 = performance.now();
    const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    const t2 = performance.now();
    const index = ChatIndex.fromBytes(bytes, { timeZone: 'UTC' });
    const t3 = performance.now();
    const body = index.query(data.params);
    const t4 = performance.now();
    self.postMessage({ init: t1 - t0, read: t2 - t1, fromBytes: t3 - t2, query: t4 - t3, reopen: t4 - t1, rooms: index.size, body });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
