// Adapts wasm-bindgen's nodejs build to the package (run by build.sh):
// - it loads the web build's .wasm (the two targets emit the same module),
//   so the package ships one copy;
// - its JS snippets, written as ES modules, become CommonJS, which Node's
//   `require` loads on every supported version, and so do packaging/freed.js
//   and the bindings' values.js it shares.
// Each edit must match exactly where expected, or the build fails: a
// wasm-bindgen upgrade that changes the output is caught here.
import { readFileSync, writeFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name] = process.argv.slice(2);
const fail = (message) => {
  console.error(`node-build: ${message}`);
  process.exit(1);
};

const gluePath = join(dir, `${name}.js`);
const glue = readFileSync(gluePath, 'utf8');
const wasmLine = `\`\${__dirname}/${name}_bg.wasm\``;
if (glue.split(wasmLine).length !== 2) fail(`expected one ${wasmLine} in ${gluePath}`);
writeFileSync(gluePath, glue.replace(wasmLine, `\`\${__dirname}/../web/${name}_bg.wasm\``));
rmSync(join(dir, `${name}_bg.wasm`));
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');

const files = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
/**
 * An ES module of `export function`s, and `import { … } from './x.js'`
 * of its neighbours, as CommonJS (`./x.js` becomes `./x${ext}`).
 */
function commonJs(file, source, ext = '.js') {
  const imports = /^import \{ ([A-Za-z0-9_$, ]+) \} from '\.\/([a-z]+)\.js';$/gm;
  const rest = source.replace(imports, '');
  if (/^\s*(import|export\s+(?!function\b))/m.test(rest)) fail(`${file}: only \`export function\` and named imports of neighbours can be converted`);
  const names = [...source.matchAll(/^export function ([A-Za-z0-9_$]+)/gm)].map((m) => m[1]);
  const body = source.replace(imports, (_, list, from) => `const { ${list} } = require('./${from}${ext}');`).replace(/^export function /gm, 'function ');
  return `${body}\n${names.map((n) => `exports.${n} = ${n};`).join('\n')}\n`;
}

for (const file of files(join(dir, 'snippets')).filter((f) => f.endsWith('.js'))) {
  writeFileSync(file, commonJs(file, readFileSync(file, 'utf8')));
}

// The packaging's shared helpers: as they are for the web entry, converted
// for node.cjs. values.js is the bindings' own (src/bindings/values.js),
// shared with freed.js.
for (const [helper, path] of [['values', 'src/bindings/values.js'], ['freed', 'packaging/freed.js']]) {
  const source = readFileSync(path, 'utf8');
  writeFileSync(join(dir, '..', `${helper}.js`), source);
  writeFileSync(join(dir, '..', `${helper}.cjs`), commonJs(helper, source, '.cjs'));
}
