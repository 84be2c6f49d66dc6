/**
 * The WebAssembly module itself (`chats_per_department_bg.wasm`), for
 * bundlers and CDNs that need its URL: for example Vite's
 * `import url from "chats-per-department/chats_per_department_bg.wasm?url"`,
 * then `await init({ module_or_path: url })`. Importing it as a module has
 * no exports of its own; the API is in `chats-per-department`.
 */
export {};
