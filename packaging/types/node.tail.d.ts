
/** Resolves at once: in Node.js the module is ready when loaded. Kept so the browser's code runs unchanged. */
export default function init(): Promise<void>;
