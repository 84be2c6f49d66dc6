// Node.js entry: the nodejs build loads its wasm synchronously, so `init`
// has nothing to do; it exists so that the browser's
// `import init, { chatsPerDepartment } from 'chats-per-department'` works
// unchanged in Node.
import { createRequire } from 'node:module';

const wasm = createRequire(import.meta.url)('./nodejs/chats_per_department.js');

export const { chatsPerDepartment, chatsPerDepartmentJson, dateParse, wasmMemoryBytes } = wasm;
export const ChatIndex = wasm.ChatIndex;

/** Resolves at once: the module is ready when imported. */
export default async function init() {
  return wasm;
}
