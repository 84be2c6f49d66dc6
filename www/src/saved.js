// Each source's index kept in this browser between visits, so that
// reopening the dashboard shows the chart from `ChatIndex.fromBytes`
// instead of reading every room again (a live server then sends only what
// changed since). Stored in the origin private file system (OPFS), or in
// IndexedDB where OPFS is missing; runs in the dashboard's worker.
//
// A copy is saved under `key`, which names everything its index depends on
// (file name, size and date; server URL and user; time zone), never a
// credential, and belongs to a `source` (the sample, a file, a server and
// user): a source keeps only its newest copy, and all copies together stay
// under a cap, the oldest going first.
//
// An OPFS copy is one file,
//   meta length u32 (little-endian) · meta (JSON: key, source, savedAt,
//   length of the snapshot) · snapshot
// in one of two slots per key (`index-<hash>.a.bin`, `.b.bin`): a save
// writes the slot not holding the good copy, checks every write's count and
// the file's size, and only then removes the other slot. So a save cut
// short (a full quota, a closed tab) leaves the previous copy as it was,
// and a copy is read only when its length is whole.

const DB = 'chats-per-department';
const INDEXES = 'indexes';
const METAS = 'metas';
/** All copies together stay under this many bytes (the newest is kept even alone over it). */
export const DEFAULT_CAP_BYTES = 256 * 1024 * 1024;

/** The file name of `key`'s `slot` (FNV-1a of the key, 32 bits, in hex). */
function fileName(key, slot) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `index-${hash.toString(16).padStart(8, '0')}.${slot}.bin`;
}

// Ours: both slots, and the one-slot name of earlier versions.
const OURS = /^index-[0-9a-f]{8}(\.[ab])?\.bin$/;

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

/** The meta of an OPFS copy, or `null` when the file is not a whole copy. */
async function fileMeta(file) {
  if (file.size < 4) return null;
  const metaLength = new DataView(await file.slice(0, 4).arrayBuffer()).getUint32(0, true);
  if (4 + metaLength > file.size) return null;
  try {
    const meta = JSON.parse(new TextDecoder().decode(await file.slice(4, 4 + metaLength).arrayBuffer()));
    return meta && file.size === 4 + metaLength + meta.length ? { ...meta, offset: 4 + metaLength, size: file.size } : null;
  } catch {
    return null;
  }
}

/** Every file of ours in OPFS: `{ name, meta }` (`meta` null for one that is not a whole copy). */
async function listFiles(root) {
  const files = [];
  for await (const [name, handle] of root.entries()) {
    if (handle.kind !== 'file' || !OURS.test(name)) continue;
    files.push({ name, meta: await fileMeta(await handle.getFile()).catch(() => null) });
  }
  return files;
}

/** `key`'s whole copies in OPFS, newest first. */
async function copiesOf(root, key) {
  const copies = [];
  for (const slot of ['a', 'b']) {
    const name = fileName(key, slot);
    const handle = await root.getFileHandle(name).catch(() => null);
    if (!handle) continue;
    const file = await handle.getFile();
    const meta = await fileMeta(file).catch(() => null);
    copies.push({ name, slot, file, meta: meta?.key === key ? meta : null });
  }
  return copies.sort((x, y) => (y.meta?.savedAt ?? -1) - (x.meta?.savedAt ?? -1));
}

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 2);
    open.onupgradeneeded = () => {
      const db = open.result;
      // Version 1 kept no metas to evict by: its copies are dropped.
      if (db.objectStoreNames.contains(INDEXES)) db.deleteObjectStore(INDEXES);
      db.createObjectStore(INDEXES);
      db.createObjectStore(METAS);
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function request(db, mode, act) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([INDEXES, METAS], mode);
    const req = act(tx.objectStore(INDEXES), tx.objectStore(METAS));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
  });
}

/**
 * The newest whole copy saved for `key`: `{ meta, bytes, where }`, or
 * `null` when there is none (or storage is unavailable).
 */
export async function openSaved(key) {
  try {
    const root = await directory();
    if (root) {
      const [newest] = (await copiesOf(root, key)).filter((copy) => copy.meta);
      if (!newest) return null;
      const bytes = new Uint8Array(await newest.file.slice(newest.meta.offset).arrayBuffer());
      return { meta: newest.meta, bytes, where: 'OPFS' };
    }
    const db = await database();
    const entry = await request(db, 'readonly', (indexes) => indexes.get(key));
    db.close();
    return entry ? { meta: entry.meta, bytes: new Uint8Array(entry.bytes), where: 'IndexedDB' } : null;
  } catch {
    return null;
  }
}

/** A write that stored fewer bytes than given (a full quota) or threw. */
class SaveFailed extends Error {}

/** Writes all of `data` at `at`, or throws: a short write is a failed save. */
function writeAll(file, data, at) {
  const written = file.write(data, { at });
  if (written !== data.length) throw new SaveFailed(`storage took ${written} of ${data.length} bytes (full?)`);
}

/**
 * Saves `bytes` (a snapshot) and `meta` for `key` of `meta.source`, then
 * evicts the source's other copies and, past `capBytes`, the oldest
 * copies. Resolves to `{ where }` ('OPFS' or 'IndexedDB'), or to
 * `{ where: null, error }` when the copy could not be saved whole; the
 * previous copy is then kept as it was.
 */
export async function save(key, bytes, meta, { capBytes = DEFAULT_CAP_BYTES } = {}) {
  let root;
  try {
    root = await directory();
  } catch {
    root = null;
  }
  try {
    if (root) {
      await saveFile(root, key, bytes, meta);
      await evictFiles(root, key, meta.source, capBytes).catch(() => {});
      return { where: 'OPFS' };
    }
    const db = await database();
    try {
      const full = { ...meta, key, length: bytes.length };
      await request(db, 'readwrite', (indexes, metas) => {
        indexes.put({ meta: full, bytes }, key);
        return metas.put(full, key);
      });
      await evictRecords(db, key, meta.source, capBytes).catch(() => {});
    } finally {
      db.close();
    }
    return { where: 'IndexedDB' };
  } catch (error) {
    return { where: null, error: error instanceof SaveFailed ? error.message : String(error?.name ?? error) };
  }
}

/** Writes `key`'s copy beside the good one, checks it, then switches. */
async function saveFile(root, key, bytes, meta) {
  const copies = await copiesOf(root, key);
  const good = copies.find((copy) => copy.meta);
  const slot = good?.slot === 'a' ? 'b' : 'a';
  const name = fileName(key, slot);
  const head = new TextEncoder().encode(JSON.stringify({ ...meta, key, length: bytes.length }));
  const total = 4 + head.length + bytes.length;
  const handle = await root.getFileHandle(name, { create: true });
  let file;
  try {
    file = await handle.createSyncAccessHandle();
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, head.length, true);
    file.truncate(0);
    writeAll(file, length, 0);
    writeAll(file, head, 4);
    writeAll(file, bytes, 4 + head.length);
    file.flush();
    if (file.getSize() !== total) throw new SaveFailed(`the saved copy is ${file.getSize()} bytes, not ${total}`);
    file.close();
    file = null;
  } catch (error) {
    file?.close();
    await root.removeEntry(name).catch(() => {});
    throw error;
  }
  // The new copy is whole: the other slot (the previous copy) goes.
  for (const copy of copies) if (copy.slot !== slot) await root.removeEntry(copy.name).catch(() => {});
  // A copy under the earlier one-slot name goes too.
  await root.removeEntry(name.replace(/\.[ab]\.bin$/, '.bin')).catch(() => {});
}

/**
 * Which of `entries` ({ id, meta }) to remove after `key` was saved: the
 * other copies of `source`, anything not a whole copy, then the oldest
 * until the rest fit `capBytes` (`key`'s own copy always stays).
 */
export function evictions(entries, key, source, capBytes) {
  const gone = [];
  const kept = [];
  for (const entry of entries) {
    if (entry.meta?.key === key) continue;
    if (!entry.meta || (source !== undefined && entry.meta.source === source)) gone.push(entry);
    else kept.push(entry);
  }
  let total = entries.filter((entry) => entry.meta?.key === key).reduce((sum, entry) => sum + entry.meta.size, 0);
  kept.sort((x, y) => (y.meta.savedAt ?? 0) - (x.meta.savedAt ?? 0));
  for (const entry of kept) {
    total += entry.meta.size;
    if (total > capBytes) gone.push(entry);
  }
  return gone;
}

async function evictFiles(root, key, source, capBytes) {
  const files = await listFiles(root);
  for (const { name } of evictions(files, key, source, capBytes)) await root.removeEntry(name).catch(() => {});
}

async function evictRecords(db, key, source, capBytes) {
  const keys = await request(db, 'readonly', (_, metas) => metas.getAllKeys());
  const values = await request(db, 'readonly', (_, metas) => metas.getAll());
  const entries = keys.map((id, i) => ({ id, meta: { ...values[i], size: values[i].length } }));
  const gone = evictions(entries, key, source, capBytes);
  if (gone.length) {
    await request(db, 'readwrite', (indexes, metas) => {
      for (const { id } of gone) {
        indexes.delete(id);
        metas.delete(id);
      }
    });
  }
}

/** Forgets what was saved for `key` (a damaged entry, "Reload everything"). */
export async function forget(key) {
  try {
    const root = await directory();
    if (root) {
      for (const slot of ['a', 'b']) await root.removeEntry(fileName(key, slot)).catch(() => {});
      await root.removeEntry(fileName(key, 'a').replace(/\.a\.bin$/, '.bin')).catch(() => {});
      return;
    }
    const db = await database();
    await request(db, 'readwrite', (indexes, metas) => {
      indexes.delete(key);
      metas.delete(key);
    });
    db.close();
  } catch {
    // Nothing saved, or no storage: nothing to forget.
  }
}

/** Every copy saved (OPFS files or IndexedDB records): `{ key, source, savedAt, size }`, for tests and the page. */
export async function listSaved() {
  const root = await directory();
  if (root) return (await listFiles(root)).filter((f) => f.meta).map(({ name, meta }) => ({ name, key: meta.key, source: meta.source, savedAt: meta.savedAt, size: meta.size }));
  const db = await database();
  const values = await request(db, 'readonly', (_, metas) => metas.getAll());
  db.close();
  return values.map((meta) => ({ key: meta.key, source: meta.source, savedAt: meta.savedAt, size: meta.length }));
}
