// The server, assembled from the real pieces it runs: Ajv 8 with the
// endpoint's schema and options, V8's Date.parse (this Node process), and
// the two aggregation pipelines of Rocket.Chat's LivechatRooms model run by
// mingo. Nothing here re-implements a rule by hand except the result
// building, where the library's documented deviations apply.
import Ajv from 'ajv';
import { Aggregator } from 'mingo';

// packages/rest-typings: the query schema of the chats-per-department route.
const schema = {
  type: 'object',
  properties: {
    start: { type: 'string' },
    end: { type: 'string' },
    departmentId: { type: 'string', nullable: true },
  },
  required: ['start', 'end'],
  additionalProperties: false,
};
const validate = new Ajv({ coerceTypes: true }).compile(schema);

/** Parameter handling: the validated query, or the server's 400 body. */
export function serverQuery(params) {
  // Ajv coerces in place; work on a copy so the caller's object is intact.
  const data = params !== null && typeof params === 'object' && !Array.isArray(params) ? { ...params } : params;
  if (!validate(data)) {
    const error = `${validate.errors.map((e) => e.message).join('\n ')} [invalid-params]`;
    return { failure: { success: false, error, errorType: 'invalid-params' } };
  }
  if (isNaN(Date.parse(data.start))) return { failure: { success: false, error: 'The "start" query parameter must be a valid date.' } };
  if (isNaN(Date.parse(data.end))) return { failure: { success: false, error: 'The "end" query parameter must be a valid date.' } };
  return { start: new Date(data.start), end: new Date(data.end), departmentId: data.departmentId };
}

function pipeline({ start, end, departmentId }, openClause) {
  const match = { $match: { t: 'l', open: openClause, departmentId: { $exists: true }, ts: { $gte: new Date(start), $lte: new Date(end) } } };
  if (departmentId && departmentId !== 'undefined') match.$match.departmentId = departmentId;
  return [
    match,
    { $lookup: { from: 'rocketchat_livechat_department', localField: 'departmentId', foreignField: '_id', as: 'departments' } },
    { $unwind: { path: '$departments', preserveNullAndEmptyArrays: true } },
    { $group: { _id: { _id: '$departments._id', name: '$departments.name' }, chats: { $sum: 1 } } },
    { $project: { _id: '$_id._id', name: '$_id.name', chats: 1 } },
  ];
}

/**
 * The 200 body for validated `query`. Result building follows the server's
 * two passes, with the library's documented rules where the server's are
 * undefined or buggy: groups sharing a name are added (the server keeps an
 * arbitrary one), and names are plain own keys (a Map, not `{}`).
 */
export function serverChart(rooms, departments, query) {
  const collectionResolver = (name) => (name === 'rocketchat_livechat_department' ? departments : []);
  const run = (openClause) => new Aggregator(pipeline(query, openClause), { collectionResolver }).run(rooms);
  const totals = new Map();
  for (const group of run(true)) {
    const key = String(group.name);
    const entry = totals.get(key) ?? { open: 0, closed: 0 };
    entry.open += group.chats;
    totals.set(key, entry);
  }
  for (const group of run({ $exists: false })) {
    const key = String(group.name);
    const entry = totals.get(key) ?? { open: 0, closed: 0 };
    entry.closed += group.chats;
    totals.set(key, entry);
  }
  const body = {};
  for (const [name, counts] of totals) Object.defineProperty(body, name, { value: counts, enumerable: true, writable: true, configurable: true });
  body.success = true;
  return body;
}

/** The whole endpoint. */
export function serverBody(rooms, departments, params) {
  const query = serverQuery(params);
  return query.failure ?? serverChart(rooms, departments, query);
}

/** Order-insensitive comparison of two bodies (MongoDB's group order is undefined). */
export function sameBody(a, b) {
  return canonical(a) === canonical(b);
}

export function canonical(body) {
  return JSON.stringify(Object.keys(body).sort().map((k) => [k, body[k]]));
}
