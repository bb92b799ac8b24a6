// A BI reader in Node.js: `node bi_client_node.mjs DB < queries.json`, copied beside the
// node_modules holding @duckdb/node-api (an ES module import resolves from the script's folder;
// scl_pipeline_tests/helpers/throwaway_venv.py makes that folder). Opens the
// serving copy read-only, runs each query and prints {"duckdb": version, "results": [{columns,
// rows}]} with the package's own JSON conversion (BIGINT as text, timestamps as text).
import { readFileSync } from 'node:fs';
import { DuckDBInstance, version } from '@duckdb/node-api';

const db = process.argv[2];
const queries = JSON.parse(readFileSync(0, 'utf8'));
const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const results = [];
for (const sql of queries) {
  const reader = await connection.runAndReadAll(sql);
  results.push({ columns: reader.columnNames(), rows: reader.getRowsJson() });
}
connection.closeSync();
console.log(JSON.stringify({ duckdb: version(), results }));
