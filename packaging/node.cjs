// Node.js, CommonJS and ES modules alike: the nodejs build loads its wasm
// synchronously, so `init` has nothing to do; it exists so that the
// browser's `await init()` runs unchanged. Both `require` and `import`
// reach this one instance (node.mjs re-exports it).
'use strict';
const wasm = require('./node/chats_per_department.js');
const { guardFreed, guardBytes } = require('./freed.cjs');

module.exports = {
  chatsPerDepartment: guardBytes('chatsPerDepartment', wasm.chatsPerDepartment, ['rooms', 'departments']),
  chatsPerDepartmentJson: guardBytes('chatsPerDepartmentJson', wasm.chatsPerDepartmentJson, ['rooms', 'departments']),
  departmentEntries: wasm.departmentEntries,
  dateParse: wasm.dateParse,
  wasmMemoryBytes: wasm.wasmMemoryBytes,
  ChatIndex: guardFreed(wasm.ChatIndex),
  default: async function init() {},
};
