import * as lib from '../pkg/node.mjs';
import { run } from '../tests/boundary/scenarios.mjs';
try { await run(lib, { throws: 10 }); } catch (e) { console.log(e.stack); }
