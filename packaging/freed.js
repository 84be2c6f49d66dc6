// A clear error for a ChatIndex used after free() (wasm-bindgen's own is
// "null pointer passed to rust"), checked in JavaScript before any call
// reaches wasm; and `addStream`, which reads the stream here and hands its
// chunks to wasm. Shared by the web entry and, converted to CommonJS by
// scripts/node-build.mjs, the Node entry.
import { describe, isFloat64Array, isUint8Array, typedArrayLength } from './values.js';

export function guardFreed(ChatIndex) {
  const freed = () => new Error('this ChatIndex was freed; create a new one');
  const proto = ChatIndex.prototype;
  // Bytes whose buffer was detached are refused before wasm is entered:
  // inside, reading them throws midway and leaves the index borrowed.
  for (const [name, what] of [['add', 'rooms'], ['setDepartments', 'departments']]) {
    const method = proto[name];
    if (typeof method !== 'function') throw new Error(`guardFreed: ChatIndex.${name} is missing`);
    const where = `${name}(${what}): ${what}`;
    Object.defineProperty(proto, name, {
      value: function bytesChecked(value) {
        refuseDetached(value, where);
        return method.call(this, value);
      },
      writable: true,
      configurable: true,
    });
  }
  const fromBytes = ChatIndex.fromBytes;
  if (typeof fromBytes !== 'function') throw new Error('guardFreed: ChatIndex.fromBytes is missing');
  Object.defineProperty(ChatIndex, 'fromBytes', {
    value: function bytesChecked(bytes, options) {
      refuseDetached(bytes, 'ChatIndex.fromBytes(bytes): bytes');
      return fromBytes.call(this, bytes, options);
    },
    writable: true,
    configurable: true,
  });
  defineCounts(proto);
  const methods = ['add', 'remove', 'retain', 'retainCreated', 'setDepartments', 'query', 'queryJson', 'series', 'timeRange', 'departments', 'chartNames', 'countsInto', 'toBytes', 'settle'];
  for (const name of methods) {
    const method = proto[name];
    if (typeof method !== 'function') throw new Error(`guardFreed: ChatIndex.${name} is missing`);
    Object.defineProperty(proto, name, {
      // Fixed arity (no method takes more than four): a rest parameter
      // would allocate an array on every call, and `countsInto` is made
      // for calls that allocate nothing.
      value: function guarded(a, b, c, d) {
        if (!this.__wbg_ptr) throw freed();
        return method.call(this, a, b, c, d);
      },
      writable: true,
      configurable: true,
    });
  }
  for (const name of ['size', 'countable', 'memoryBytes']) {
    const { get } = Object.getOwnPropertyDescriptor(proto, name) ?? {};
    if (typeof get !== 'function') throw new Error(`guardFreed: ChatIndex.${name} is missing`);
    Object.defineProperty(proto, name, {
      get() {
        if (!this.__wbg_ptr) throw freed();
        return get.call(this);
      },
      configurable: true,
    });
  }
  // merge(other) consumes `other`: wasm-bindgen would detach it before
  // looking at `this`, so the cases it cannot report are caught here.
  const merge = proto.merge;
  if (typeof merge !== 'function') throw new Error('guardFreed: ChatIndex.merge is missing');
  Object.defineProperty(proto, 'merge', {
    value: function guarded(other) {
      if (!this.__wbg_ptr) throw freed();
      if (!(other instanceof ChatIndex)) throw new TypeError('merge(other): other must be a ChatIndex');
      if (other === this) throw new TypeError('merge(other): an index cannot be merged into itself');
      if (!other.__wbg_ptr) throw new Error('merge(other): other was freed (an index can be merged once)');
      return merge.call(this, other);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, 'addStream', { value: addStream, writable: true, configurable: true });
  // free() twice, or after a failed constructor, does nothing.
  const free = proto.free;
  proto.free = function () {
    if (this.__wbg_ptr) free.call(this);
  };
  // The constructor's departments, checked the same way (a Proxy keeps
  // the class itself, its statics and `instanceof` as they are).
  return new Proxy(ChatIndex, {
    construct(target, args, newTarget) {
      refuseDetached(args[0], 'new ChatIndex(departments): departments');
      return Reflect.construct(target, args, newTarget);
    },
  });
}

/** Whether `value` is an ArrayBuffer, or a view of one, whose buffer was detached (transferred). */
export function detachedBytes(value) {
  let buffer;
  try {
    // Brand checks, not getters a caller can write: anything else (a proxy,
    // revoked or not) is no buffer and is left to the reader's own errors.
    if (ArrayBuffer.isView(value)) buffer = typedArrayBuffer(value);
    else if (isArrayBuffer(value)) buffer = value;
    else return false;
  } catch {
    return false;
  }
  const detached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get;
  if (detached) return detached.call(buffer);
  try {
    // Engines without `detached`: a view of a detached buffer cannot be made.
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** The buffer of a typed array or DataView, read through the built-in getters. */
function typedArrayBuffer(view) {
  const typed = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get;
  try {
    return typed.call(view);
  } catch {
    return Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get.call(view);
  }
}

/** Whether `value` is an ArrayBuffer (not a SharedArrayBuffer), by brand. */
function isArrayBuffer(value) {
  try {
    Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Throws a `TypeError` naming `where` when `value` is detached bytes. */
export function refuseDetached(value, where) {
  if (detachedBytes(value)) {
    throw new TypeError(`${where} is a view of a detached ArrayBuffer (transferred to another thread, or detached): its bytes are gone; nothing was read`);
  }
}

/** `f` with its arguments at `names`' positions (non-empty names) refused when detached. */
export function guardBytes(name, f, names) {
  // The messages are made once, not on every call.
  const where = names.map((what) => what && `${name}(${names.filter(Boolean).join(', ')}): ${what}`);
  return function bytesChecked(...args) {
    where.forEach((label, i) => label && refuseDetached(args[i], label));
    return f.apply(this, args);
  };
}

// Chunks go to wasm in pieces of at most this many bytes, so a huge chunk
// never needs a huge copy in wasm memory (which never shrinks).
const PIECE = 1 << 20;

/**
 * `index.addStream(stream)`: every outcome settles the promise. A bad
 * stream or chunk rejects with a `TypeError` saying what it was, a failed
 * stream with an `Error` giving its reason, bad data with the `Error`
 * carrying the 400 body; the reader is cancelled whenever reading stops
 * early. Freeing the index meanwhile rejects too. The rooms go to an index
 * of the stream's own in wasm, which joins this one only when the stream
 * ends well, so a failed stream adds nothing.
 */
async function addStream(stream) {
  if (!this.__wbg_ptr) throw new Error('this ChatIndex was freed; create a new one');
  const opened = streamReader(stream);
  if (stream === null) throw new TypeError('addStream(stream): stream is null (a Response without a body?); nothing was added');
  if (opened.notStream !== undefined) {
    throw new TypeError(`addStream(stream): stream must be a ReadableStream of Uint8Array chunks (e.g. response.body), not ${opened.notStream}`);
  }
  if (opened.failed !== undefined) throw new Error(`addStream(stream): the stream could not be read: ${opened.failed}`);
  const reader = opened.reader;
  const pending = this.__streamBegin();
  try {
    for (let chunk = 0; ; chunk++) {
      const next = await nextChunk(reader);
      if (!this.__wbg_ptr) {
        cancelReader(reader, 'ChatIndex freed');
        throw new Error("this ChatIndex was freed during addStream; the stream's rooms were not added");
      }
      if (next.done) break;
      if (next.notBytes !== undefined) {
        cancelReader(reader, 'not a Uint8Array');
        throw new TypeError(`addStream: chunk ${chunk} is ${next.notBytes}, not a Uint8Array`);
      }
      if (next.failed !== undefined) throw new Error(`addStream: the stream failed: ${next.failed}`);
      const bytes = next.bytes;
      if (detachedBytes(bytes)) {
        cancelReader(reader, 'detached chunk');
        throw new TypeError(`addStream: chunk ${chunk} is a view of a detached ArrayBuffer (after a tee() or a transfer, say): its bytes are gone; nothing was added`);
      }
      for (let at = 0; at < bytes.length; at += PIECE) {
        try {
          this.__streamPush(pending, bytes.subarray(at, at + PIECE));
        } catch (error) {
          cancelReader(reader, 'bad data');
          throw error;
        }
      }
    }
    return this.__streamFinish(pending);
  } finally {
    // Consumed by __streamFinish; freed here on every other way out.
    if (pending.__wbg_ptr) pending.free();
  }
}

// Reading a caller's stream runs the caller's code: these helpers never
// throw and never reject, so the loop above sees plain answers.


function message(error) {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'an exception';
  }
}

/** `{ reader }` for a ReadableStream, else `{ notStream: describe(stream) }` or `{ failed }`. */
function streamReader(stream) {
  try {
    if (typeof stream !== 'object' || stream === null || typeof stream.getReader !== 'function') return { notStream: describe(stream) };
    return { reader: stream.getReader() };
  } catch (error) {
    return { failed: message(error) };
  }
}

/** A promise of the next chunk: `{ done: true }`, `{ bytes }`, `{ notBytes }` or `{ failed }`; never rejects. */
function nextChunk(reader) {
  const step = (result) => {
    try {
      if (result.done) return { done: true };
      const value = result.value;
      // A brand check, not `instanceof`: a Uint8Array from another realm is one too.
      return isUint8Array(value) ? { bytes: value } : { notBytes: describe(value) };
    } catch (error) {
      return { failed: message(error) };
    }
  };
  try {
    return Promise.resolve(reader.read()).then(step, (reason) => ({ failed: message(reason) }));
  } catch (error) {
    return Promise.resolve({ failed: message(error) });
  }
}

/** Cancels a reader (the stream is not read further) and releases it; never throws. */
function cancelReader(reader, reason) {
  try {
    Promise.resolve(reader.cancel(reason)).catch(() => {});
    reader.releaseLock();
  } catch {
    // Already released or errored: nothing left to give back.
  }
}

const NO_ROOM = new Float64Array(0);
const NO_NAMES = Object.freeze([]);

/** A number a `Date` holds as a time (TimeClip's range). */
const isTime = (ms) => typeof ms === 'number' && Math.abs(ms) <= 8.64e15;

// `countsInto` and `chartNames`, over the module's one raw call: the
// arguments are checked here, where a message costs no module size.
function defineCounts(proto) {
  const raw = proto.__countsInto;
  if (typeof raw !== 'function') throw new Error('guardFreed: ChatIndex.__countsInto is missing');
  Object.defineProperty(proto, 'countsInto', {
    value: function countsInto(startMs, endMs, out, departmentId) {
      if (!isTime(startMs) || !isTime(endMs)) {
        throw new TypeError(`countsInto: startMs and endMs must be numbers a Date can hold (epoch milliseconds), not ${describe(isTime(startMs) ? endMs : startMs)}`);
      }
      if (!isFloat64Array(out)) throw new TypeError(`countsInto: out must be a Float64Array, not ${describe(out)}`);
      if (departmentId !== undefined && typeof departmentId !== 'string') {
        throw new TypeError(`countsInto: departmentId must be a string or undefined, not ${describe(departmentId)}`);
      }
      // The intrinsic getter: an overridden `length` could throw or call
      // back into this index while it is borrowed.
      const room = typedArrayLength(out);
      const answer = raw.call(this, startMs, endMs, out, room, departmentId);
      if (!Array.isArray(answer)) return answer;
      if (room < 2 * answer.length) {
        throw new RangeError(`countsInto: out holds ${room} numbers; the chart needs ${2 * answer.length}, two per name of chartNames()`);
      }
      return null;
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, 'chartNames', {
    value: function chartNames() {
      // An empty range counts nothing; the answer is the keys.
      const answer = raw.call(this, 0, -1, NO_ROOM, 0, undefined);
      return Array.isArray(answer) ? answer : NO_NAMES;
    },
    writable: true,
    configurable: true,
  });
}
