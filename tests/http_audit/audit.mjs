// Usage: node audit.mjs http://127.0.0.1:PORT/graphql — prints one JSON line per audit, exits 1 on any non-ok.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
let bad = 0;
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    bad += 1;
    line.reason = result.reason;
    if (result.response) line.httpStatus = result.response.status;
  }
  console.log(JSON.stringify(line));
}
const must = results.filter((r) => r.name.startsWith('MUST'));
const should = results.filter((r) => r.name.startsWith('SHOULD'));
const ok = (list) => list.filter((r) => r.status === 'ok').length;
console.log(JSON.stringify({ total: results.length, ok: ok(results), must: `${ok(must)}/${must.length}`, should: `${ok(should)}/${should.length}`, may: `${ok(results.filter((r) => r.name.startsWith('MAY')))}/${results.filter((r) => r.name.startsWith('MAY')).length}` }));
process.exit(bad ? 1 : 0);
