// A clear error for a ChatIndex used after free() (wasm-bindgen's own is
// "null pointer passed to rust"), checked in JavaScript before any call
// reaches wasm. Shared by the web entry and, converted to CommonJS by
// scripts/node-build.mjs, the Node entry.
export function guardFreed(ChatIndex) {
  const freed = () => new Error('this ChatIndex was freed; create a new one');
  const proto = ChatIndex.prototype;
  for (const name of ['add', 'addStream', 'remove', 'retain', 'setDepartments', 'query', 'queryJson', 'series', 'timeRange', 'departments', 'toBytes', 'settle']) {
    const method = proto[name];
    if (typeof method !== 'function') throw new Error(`guardFreed: ChatIndex.${name} is missing`);
    Object.defineProperty(proto, name, {
      value: function guarded(...args) {
        if (!this.__wbg_ptr) {
          if (name === 'addStream') return Promise.reject(freed());
          throw freed();
        }
        return method.apply(this, args);
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
  // free() twice, or after a failed constructor, does nothing.
  const free = proto.free;
  proto.free = function () {
    if (this.__wbg_ptr) free.call(this);
  };
  return ChatIndex;
}
