
/** What `init` accepts: the `.wasm` as a URL, a `Response`, bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; call (and await) once before anything else.
 * Without an argument it fetches `chats_per_department_bg.wasm` next to this
 * file (bundlers such as Vite and webpack 5 resolve that URL themselves).
 */
export default function init(input?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;

/** `init` for bytes or a compiled module already at hand, synchronously. */
export function initSync(input: { module: BufferSource | WebAssembly.Module }): unknown;
