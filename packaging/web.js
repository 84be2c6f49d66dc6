// Browser and bundler entry: the generated web build, with a clear error
// when something is called before `init()` (instead of "Cannot read
// properties of undefined").
import initWasm, * as wasm from './web/chats_per_department.js';
import { guardFreed, guardBytes } from './freed.js';

let ready = false;
const notReady = (name) =>
  new Error(`chats-per-department: ${name}() was called before init(); call \`await init()\` once first`);

export default async function init(input) {
  const exports = await initWasm(input);
  ready = true;
  return exports;
}

export function initSync(input) {
  const exports = wasm.initSync(input);
  ready = true;
  return exports;
}

const guarded = (name, f) =>
  (...args) => {
    if (!ready) throw notReady(name);
    return f(...args);
  };

export const chatsPerDepartment = guarded('chatsPerDepartment', guardBytes('chatsPerDepartment', wasm.chatsPerDepartment, ['rooms', 'departments']));
export const chatsPerDepartmentJson = guarded('chatsPerDepartmentJson', guardBytes('chatsPerDepartmentJson', wasm.chatsPerDepartmentJson, ['rooms', 'departments']));
export const departmentEntries = guarded('departmentEntries', wasm.departmentEntries);
export const dateParse = guarded('dateParse', wasm.dateParse);
export const wasmMemoryBytes = guarded('wasmMemoryBytes', wasm.wasmMemoryBytes);

export class ChatIndex extends guardFreed(wasm.ChatIndex) {
  constructor(departments, options) {
    if (!ready) throw notReady('new ChatIndex');
    super(departments, options);
  }

  /** As the generated `fromBytes`, after `init()`, giving an instance of this class. */
  static fromBytes(bytes, options) {
    if (!ready) throw notReady('ChatIndex.fromBytes');
    return Object.setPrototypeOf(super.fromBytes(bytes, options), ChatIndex.prototype);
  }
}
