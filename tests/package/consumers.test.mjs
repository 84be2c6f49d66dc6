// The packed tarball, used as consumers use it: installed into a fresh
// project, then imported from Node as an ES module and as CommonJS,
// type-checked under strict TypeScript with the `bundler`, `node16` and
// `nodenext` resolutions, and linted by publint and arethetypeswrong.
// Each consumer computes a real body and compares it with the library's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const work = join(root, 'tests/package/.work');
const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (cmd, args, cwd = work) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const rooms = [
  { _id: 'r1', t: 'l', open: true, departmentId: 'd1', ts: '2020-09-10T10:00:00Z' },
  { _id: 'r2', t: 'l', departmentId: 'd1', ts: '2020-09-10T11:00:00Z' },
];
const departments = [{ _id: 'd1', name: 'Sales' }];
const expected = '{"Sales":{"open":1,"closed":1},"success":true}';
let tarball;

before(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', work], join(root, 'pkg'));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball]);
});

const script = (body) => `const rooms = ${JSON.stringify(rooms)}; const departments = ${JSON.stringify(departments)};\n${body}`;

test('Node ES module: import, await init(), a real body', () => {
  writeFileSync(join(work, 'esm.mjs'), script(`
import init, { chatsPerDepartment, ChatIndex } from 'chats-per-department';
await init();
const index = new ChatIndex(departments);
index.add(rooms);
console.log(JSON.stringify(chatsPerDepartment(rooms, departments, { start: '2020-09-10', end: '2020-09-11' })) + '|' + index.queryJson({ start: '2020-09-10', end: '2020-09-11' }));
`));
  assert.equal(run('node', ['esm.mjs']).trim(), `${expected}|${expected}`);
});

test('Node CommonJS: require() without require(esm)', () => {
  writeFileSync(join(work, 'cjs.cjs'), script(`
const { chatsPerDepartmentJson, ChatIndex } = require('chats-per-department');
const pkg = require('chats-per-department/package.json');
console.log(chatsPerDepartmentJson(rooms, departments, { start: '2020-09-10', end: '2020-09-11' }), pkg.name, typeof ChatIndex);
`));
  assert.equal(run('node', ['--no-experimental-require-module', 'cjs.cjs']).trim(), `${expected} chats-per-department function`);
});

test('import and require share one instance in Node', () => {
  writeFileSync(join(work, 'same.mjs'), `
import { createRequire } from 'node:module';
import { ChatIndex } from 'chats-per-department';
console.log(createRequire(import.meta.url)('chats-per-department').ChatIndex === ChatIndex);
`);
  assert.equal(run('node', ['same.mjs']).trim(), 'true');
});

for (const resolution of ['bundler', 'node16', 'nodenext']) {
  test(`TypeScript strict, moduleResolution ${resolution}`, () => {
    const dir = join(work, `ts-${resolution}`);
    mkdirSync(dir, { recursive: true });
    const module = resolution === 'bundler' ? 'esnext' : resolution;
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module, moduleResolution: resolution, target: 'es2022', lib: ['es2022', 'dom', 'esnext.disposable'], types: [], typeRoots: [join(work, 'node_modules/@types')] },
      // `import x = require()` exists only where CommonJS does.
      files: resolution === 'bundler' ? ['main.mts'] : ['main.mts', 'main.cts'],
    }));
    writeFileSync(join(dir, 'main.mts'), `
import init, { chatsPerDepartment, departmentEntries, ChatIndex, type ChartBody, type DepartmentCounts } from 'chats-per-department';
await init();
const body = chatsPerDepartment([], null, { start: '2020', end: '2021' }, { timeZone: 'UTC' });
if (body.success) {
  const chart: ChartBody = body;
  for (const [name, counts] of departmentEntries(chart)) { const c: DepartmentCounts = counts; console.log(name, c.open); }
}
{ using index = new ChatIndex(null); index.remove(['a']); }
`);
    writeFileSync(join(dir, 'main.cts'), `
import lib = require('chats-per-department');
const n: number = lib.dateParse('2020');
console.log(n, lib.chatsPerDepartmentJson([], null, { start: 'a', end: 'b' }));
`);
    // With node16/nodenext the .cts file must resolve to the CommonJS types.
    execFileSync(bin('tsc'), ['-p', dir], { cwd: work, encoding: 'utf8' });
    // And a wrong call must fail (the types are not `any`).
    writeFileSync(join(dir, 'bad.mts'), `import { chatsPerDepartment } from 'chats-per-department';\nchatsPerDepartment(42, null, { start: 1 });\n`);
    writeFileSync(join(dir, 'tsconfig.bad.json'), JSON.stringify({ extends: './tsconfig.json', files: ['bad.mts'] }));
    assert.throws(() => execFileSync(bin('tsc'), ['-p', join(dir, 'tsconfig.bad.json')], { cwd: work, stdio: 'pipe' }));
  });
}

test('publint --strict reports nothing', () => {
  const out = run(bin('publint'), ['--strict', join(root, 'pkg')]);
  assert.match(out, /All good/, out);
});

test('arethetypeswrong with its default options: no problem in any entry point or resolution', () => {
  const out = run(bin('attw'), [tarball, '--format', 'table-flipped']);
  assert.doesNotMatch(out, /❌|💀|⚠️|🐛|🥴|🎭|❗️|🚭|🕵/u, out);
  assert.match(out, /No problems found/, out);
});

test('the tarball holds the package and nothing of the workspace; npm publish --dry-run is clean', () => {
  const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], join(root, 'pkg')));
  const files = packed.files.map((f) => f.path).sort();
  const expected = ['LICENSE', 'README.md', 'freed.cjs', 'freed.js', 'node.cjs', 'node.d.cts', 'node.d.mts', 'node.mjs', 'node/chats_per_department.js', 'node/package.json', 'package.json', 'values.cjs', 'values.js', 'wasm.d.cts', 'wasm.d.ts', 'web.d.ts', 'web.js', 'web/chats_per_department.js', 'web/chats_per_department_bg.wasm'];
  assert.deepEqual(files.filter((f) => !f.includes('/snippets/')), expected);
  const snippets = ['answers.js', 'read.js', 'values.js'];
  assert.deepEqual(files.filter((f) => f.includes('/snippets/')).map((f) => f.replace(/snippets\/[^/]+\//, 'snippets/')), [...snippets.map((f) => `node/snippets/src/bindings/${f}`), ...snippets.map((f) => `web/snippets/src/bindings/${f}`)]);
  // The package's own README is short and links to the rest.
  const readme = readFileSync(join(root, 'pkg/README.md'), 'utf8');
  assert.ok(readme.split('\n').length < 80, 'the npm README is short');
  const manifest = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8'));
  for (const field of ['repository', 'homepage', 'bugs', 'engines', 'keywords', 'sideEffects']) assert.ok(manifest[field] !== undefined, `package.json has ${field}`);
  const published = execFileSync('npm', ['publish', '--dry-run'], { cwd: join(root, 'pkg'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(published, /chats-per-department@/);
  const warnings = execFileSync('npm', ['publish', '--dry-run', '--loglevel', 'warn'], { cwd: join(root, 'pkg'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.ok(warnings !== undefined);
});

// The examples users copy: README.md, the package's README and docs/api.md.
const docs = ['README.md', 'packaging/README.md', 'docs/api.md'];
const blocks = (file) => [...readFileSync(join(root, file), 'utf8').matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

test('every ```js block of the README, the package README and docs/api.md runs as written (Node, installed package)', () => {
  for (const file of docs) {
    const found = blocks(file);
    assert.ok(found.length >= 1, `${file} has runnable examples`);
    found.forEach((code, i) => {
      const path = join(work, `${file.replace(/\W/g, '-')}-${i}.mjs`);
      writeFileSync(path, code);
      let out;
      try {
        out = run('node', [path]);
      } catch (e) {
        assert.fail(`${file} block ${i} failed:\n${code}\n${e.stderr}`);
      }
      // In the READMEs, what a block prints is written under it as `// → …`.
      const said = [...code.matchAll(/^\/\/ → (.*)$/gm)].map((m) => m[1]);
      if (file !== 'docs/api.md') assert.deepEqual(out.trim().split('\n'), said, `${file} block ${i} prints what it says`);
    });
  }
});

test('every ```js block of the README, the package README and docs/api.md type-checks under tsc --strict as copied', () => {
  const dir = join(work, 'ts-examples');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const file of docs) {
    blocks(file).forEach((code, i) => {
      const name = `${file.replace(/\W/g, '-')}-${i}.mts`;
      writeFileSync(join(dir, name), code);
      files.push(name);
    });
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable', 'esnext.disposable'], types: [] },
    files,
  }));
  try {
    execFileSync(bin('tsc'), ['-p', dir], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc --strict refused an example:\n${e.stdout}${e.stderr}`);
  }
});
