// Each source's index kept in this browser between visits, so that
// reopening the dashboard shows the chart from `ChatIndex.fromBytes`
// instead of reading every room again (a live server then sends only what
// changed since). Stored in the origin private file system (OPFS), or in
// IndexedDB where OPFS is missing; runs in the dashboard's worker.
//
// One entry per source: `key` names the source and everything its index
// depends on (file name, size and date; server URL and user; time zone),
// never a credential. A file holds
//   meta length u32 (little-endian) · meta (JSON, with the key) · snapshot
// and is used only when its meta names the same key (two keys could share
// a file name's hash; the second replaces the first).

const DB = 'chats-per-department';
const STORE = 'indexes';

/** A short file name for `key` (FNV-1a, 32 bits, in hex). */
function fileName(key) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `index-${hash.toString(16).padStart(8, '0')}.bin`;
}

async function directory() {
  try {
    const root = await navigator.storage?.getDirectory?.();
    // Writing needs a sync access handle (workers only, every current engine).
    if (root && typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype) return root;
  } catch {
    // No OPFS here (a private window, an old engine): IndexedDB below.
  }
  return null;
}

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function request(db, mode, act) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = act(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * The entry saved for `key`: `{ meta, bytes, where }`, or `null` when there
 * is none (or storage is unavailable).
 */
export async function openSaved(key) {
  try {
    const root = await directory();
    if (root) {
      const handle = await root.getFileHandle(fileName(key)).catch(() => null);
      if (!handle) return null;
      const all = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      if (all.length < 4) return null;
      const metaLength = new DataView(all.buffer).getUint32(0, true);
      const meta = JSON.parse(new TextDecoder().decode(all.subarray(4, 4 + metaLength)));
      return meta.key === key ? { meta, bytes: all.subarray(4 + metaLength), where: 'OPFS' } : null;
    }
    const db = await database();
    const entry = await request(db, 'readonly', (store) => store.get(key));
    db.close();
    return entry ? { meta: entry.meta, bytes: new Uint8Array(entry.bytes), where: 'IndexedDB' } : null;
  } catch {
    return null;
  }
}

/** Saves `bytes` (a snapshot) and `meta` for `key`; resolves to where, or `null` when storage failed (full, refused). */
export async function save(key, bytes, meta) {
  try {
    const root = await directory();
    if (root) {
      const head = new TextEncoder().encode(JSON.stringify({ ...meta, key }));
      const handle = await root.getFileHandle(fileName(key), { create: true });
      const file = await handle.createSyncAccessHandle();
      try {
        const length = new Uint8Array(4);
        new DataView(length.buffer).setUint32(0, head.length, true);
        file.truncate(0);
        file.write(length, { at: 0 });
        file.write(head, { at: 4 });
        file.write(bytes, { at: 4 + head.length });
        file.flush();
      } finally {
        file.close();
      }
      return 'OPFS';
    }
    const db = await database();
    await request(db, 'readwrite', (store) => store.put({ meta: { ...meta, key }, bytes }, key));
    db.close();
    return 'IndexedDB';
  } catch {
    return null;
  }
}

/** Forgets what was saved for `key` (a damaged entry, "Reload everything"). */
export async function forget(key) {
  try {
    const root = await directory();
    if (root) {
      await root.removeEntry(fileName(key)).catch(() => {});
      return;
    }
    const db = await database();
    await request(db, 'readwrite', (store) => store.delete(key));
    db.close();
  } catch {
    // Nothing saved, or no storage: nothing to forget.
  }
}
