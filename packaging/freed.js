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
  // free() twice, or after a failed constructor, does nothing.
  const free = proto.free;
  proto.free = function () {
    if (this.__wbg_ptr) free.call(this);
  };
  return ChatIndex;
}
