// Runs www/src/saved.js where the dashboard runs it (a module worker, for
// OPFS sync access handles), one command per message from saved.test.mjs.
import * as saved from '/www/src/saved.js';

const write = FileSystemSyncAccessHandle.prototype.write;
const bytesOf = (n, fill) => new Uint8Array(n).fill(fill);

const commands = {
  save: ({ key, size, fill, meta, capBytes }) => saved.save(key, bytesOf(size, fill), meta, { capBytes }),
  open: async ({ key }) => {
    const copy = await saved.openSaved(key);
    return copy && { meta: copy.meta, size: copy.bytes.length, fills: [...new Set(copy.bytes)] };
  },
  list: () => saved.listSaved(),
  forget: ({ key }) => saved.forget(key),
  // The next write of more than `over` bytes stores half of them and
  // throws, as a tab closed midway would leave it.
  interrupt: ({ over }) => {
    FileSystemSyncAccessHandle.prototype.write = function (data, options) {
      if (data.length <= over) return write.call(this, data, options);
      write.call(this, data.subarray(0, data.length >> 1), options);
      throw new DOMException('the tab was closed', 'AbortError');
    };
  },
  restore: () => {
    FileSystemSyncAccessHandle.prototype.write = write;
  },
  clear: async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of root.keys()) await root.removeEntry(name);
  },
};

self.onmessage = async ({ data: { id, command, args } }) => {
  try {
    self.postMessage({ id, result: await commands[command](args ?? {}) });
  } catch (error) {
    self.postMessage({ id, error: String(error?.stack ?? error) });
  }
};
