import { chatsPerDepartment, ChatIndex, dateParse, wasmMemoryBytes } from '../pkg/node.mjs';
const p = { start: '2020-01-01', end: '2021-01-01' };
const good = [{ _id: 'a', t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z' }];
let errs = 0, first;
for (let i = 0; i < 3000; i++) {
  try { chatsPerDepartment([{ get t() { throw new Error('boom'); } }], null, p); } catch (e) { errs++; first ??= e; }
}
console.log('throws', errs, String(first));
console.log(JSON.stringify(chatsPerDepartment(good, null, p)));
try { console.log(dateParse(5), dateParse(new Date(0)), dateParse({})); } catch (e) { console.log('dateParse', String(e)); }
const idx = new ChatIndex(null);
try { idx.add(new Proxy([], { get(t, k) { if (k === 'length') throw new Error('len'); return Reflect.get(t, k); } })); } catch (e) { console.log('proxy', String(e)); }
idx.add(good); console.log(idx.queryJson(p));
const re = { get t() { return idx.query(p) && 'l'; }, departmentId: 'd', ts: '2020-05-01T00:00:00Z' };
try { idx.add([re]); } catch (e) { console.log('reentrant', String(e)); }
try { console.log(idx.queryJson(p)); } catch (e) { console.log('after reentrant', String(e)); }
