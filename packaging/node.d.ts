export * from './nodejs/chats_per_department.js';
/** Resolves at once: in Node.js the module is ready when imported. */
export default function init(): Promise<unknown>;
