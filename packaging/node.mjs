// Node.js ES module entry: the same instance as `require` (node.cjs).
import { createRequire } from 'node:module';

const node = createRequire(import.meta.url)('./node.cjs');

export const { chatsPerDepartment, chatsPerDepartmentJson, departmentEntries, dateParse, wasmMemoryBytes, ChatIndex } = node;
export default node.default;
