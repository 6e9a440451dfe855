// Writes the parquet reader's test fixtures with two independent writers, DuckDB and arrow-rs
// (through parquet-wasm), plus one expected-values JSON per file made from the source data here,
// so that the Java tests need neither node nor a parquet writer of ours.
//
//   npm ci && node generate.mjs
//
// Output: core/src/test/resources/fixtures/parquet/ (relative to the repository root).
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'core', 'src', 'test', 'resources', 'fixtures', 'parquet');
const IMAGES = join(ROOT, 'core', 'src', 'test', 'resources', 'fixtures', 'pillow', 'decode', 'inputs');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// ---- source data -------------------------------------------------------------------------
// A small deterministic generator (mulberry32), so reruns write the same fixtures.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'é-accent', '日本語', 'quote\'s', '', 'comma, inside', 'line\nbreak'];
const CATS = ['Canon', 'NIKON', 'SONY'];

// Columns of the all-types table: name, DuckDB type, arrow type, and a value maker (null allowed).
function typesTable(n, seed) {
  const r = rng(seed);
  const maybe = (p, f) => (r() < p ? null : f());
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      req: i * 7 - 100,
      b: maybe(0.2, () => r() < 0.5),
      i8: maybe(0.2, () => Math.floor(r() * 256) - 128),
      i16: maybe(0.2, () => Math.floor(r() * 65536) - 32768),
      i32: maybe(0.2, () => Math.floor(r() * 4294967296) - 2147483648),
      i64: maybe(0.2, () => BigInt(Math.floor(r() * 2 ** 52)) * 2047n - (1n << 62n)),
      f: maybe(0.2, () => Math.fround((Math.floor(r() * 20000) - 10000) / 64)),
      d: maybe(0.2, () => (r() - 0.5) * 10 ** Math.floor(r() * 30 - 15)),
      s: maybe(0.2, () => WORDS[Math.floor(r() * WORDS.length)] + (r() < 0.5 ? '' : String(i))),
      cat: maybe(0.2, () => CATS[Math.floor(r() * CATS.length)]),
      blob: maybe(0.2, () => Uint8Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * 256))),
      fixed: maybe(0.2, () => Uint8Array.from({ length: 16 }, () => Math.floor(r() * 256))),
    });
  }
  return rows;
}

const TYPES_COLUMNS = [
  { name: 'req', duck: 'INTEGER NOT NULL', arrow: new arrow.Int32(), nullable: false, kind: 'int' },
  { name: 'b', duck: 'BOOLEAN', arrow: new arrow.Bool(), kind: 'bool' },
  { name: 'i8', duck: 'TINYINT', arrow: new arrow.Int8(), kind: 'int' },
  { name: 'i16', duck: 'SMALLINT', arrow: new arrow.Int16(), kind: 'int' },
  { name: 'i32', duck: 'INTEGER', arrow: new arrow.Int32(), kind: 'int' },
  { name: 'i64', duck: 'BIGINT', arrow: new arrow.Int64(), kind: 'int64' },
  { name: 'f', duck: 'FLOAT', arrow: new arrow.Float32(), kind: 'float' },
  { name: 'd', duck: 'DOUBLE', arrow: new arrow.Float64(), kind: 'float' },
  { name: 's', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'cat', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'blob', duck: 'BLOB', arrow: new arrow.Binary(), kind: 'bytes' },
  // DuckDB writes UUID as FIXED_LEN_BYTE_ARRAY(16); arrow as FixedSizeBinary(16)
  { name: 'fixed', duck: 'UUID', arrow: new arrow.FixedSizeBinary(16), kind: 'bytes' },
];

const image = (name) => new Uint8Array(readFileSync(join(IMAGES, name)));

// A FlickrExif-like table: the benchmark's id and url columns, EXIF attribute columns with nulls.
function flickrExifTable() {
  const r = rng(7);
  const makes = ['Canon', 'NIKON', 'Apple', null];
  const models = { Canon: 'Canon EOS 5D Mark II', NIKON: 'NIKON D750', Apple: 'iPhone XR' };
  const rows = [];
  for (let i = 0; i < 24; i++) {
    const make = makes[i % 4];
    const id = 50000000000n + BigInt(Math.floor(r() * 4e9));
    rows.push({
      'Flickr ID': id,
      url: i === 5 ? null : `https://live.staticflickr.com/65535/${id}_abc${i}.jpg`,
      Make: make,
      Model: make ? models[make] : null,
      Exposure: r() < 0.2 ? null : ['1/100', '1/250', '1/60', '0.4'][Math.floor(r() * 4)],
      Aperture: r() < 0.2 ? null : [1.8, 2.8, 10.0, 0.95][Math.floor(r() * 4)],
      'ISO Speed': r() < 0.25 ? null : BigInt([50, 100, 3200][Math.floor(r() * 3)]),
      Flash: r() < 0.2 ? null : (r() < 0.5 ? 'with flash' : 'without flash'),
      Year: r() < 0.2 ? null : 2000 + Math.floor(r() * 25),
      Exposure_s: r() < 0.2 ? null : [0.01, 1e-5, 1e16, 0.001, 2.5, 123456789.125][Math.floor(r() * 6)],
    });
  }
  return rows;
}

const FLICKR_COLUMNS = [
  { name: 'Flickr ID', duck: 'BIGINT', arrow: new arrow.Int64(), kind: 'int64' },
  { name: 'url', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'Make', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'Model', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'Exposure', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'Aperture', duck: 'DOUBLE', arrow: new arrow.Float64(), kind: 'float' },
  { name: 'ISO Speed', duck: 'BIGINT', arrow: new arrow.Int64(), kind: 'int64' },
  { name: 'Flash', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  // the benchmark's Year column is a float in pandas, so its labels read "2019.0"
  { name: 'Year', duck: 'DOUBLE', arrow: new arrow.Float64(), kind: 'float' },
  { name: 'Exposure_s', duck: 'DOUBLE', arrow: new arrow.Float64(), kind: 'float' },
];

// A PairCams-like table: Hugging Face's Image feature is a struct {bytes, path}.
function pairCamsTable() {
  const files = ['baseline_420.jpg', 'optimized_420.jpg', 'gray.jpg', 'bilevel.png'];
  const cams = [
    ['Apple', 'iPhone 12'], ['Canon', 'Canon EOS 5D Mark II'], ['samsung', 'SM-G991B'], ['FUJIFILM', 'X-T3'],
  ];
  return files.map((f, i) => ({
    id: `pc-${i}`,
    image: { bytes: image(f), path: i === 3 ? null : f },
    subject: BigInt(Math.floor(i / 2)),
    camera_make: cams[i][0],
    camera_model: cams[i][1],
  }));
}

const PAIRCAMS_COLUMNS = [
  { name: 'id', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  {
    name: 'image', duck: 'STRUCT(bytes BLOB, path VARCHAR)',
    arrow: new arrow.Struct([new arrow.Field('bytes', new arrow.Binary(), true), new arrow.Field('path', new arrow.Utf8(), true)]),
    kind: 'struct', leaves: [{ name: 'bytes', kind: 'bytes' }, { name: 'path', kind: 'string' }],
  },
  { name: 'subject', duck: 'BIGINT', arrow: new arrow.Int64(), kind: 'int64' },
  { name: 'camera_make', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
  { name: 'camera_model', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
];

// Many rows of two small columns, for DuckDB's several row groups (it splits at 2048 rows at least).
function manyRowsTable(n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({ n: i % 97 === 0 ? null : i * 3, tag: CATS[i % 3] });
  }
  return rows;
}
const MANY_COLUMNS = [
  { name: 'n', duck: 'INTEGER', arrow: new arrow.Int32(), kind: 'int' },
  { name: 'tag', duck: 'VARCHAR', arrow: new arrow.Utf8(), kind: 'string' },
];

// ---- expected values ---------------------------------------------------------------------
// Values as JSON: int64 as decimal strings (beyond 2^53), bytes in base64, floats as numbers.
function expectedValue(kind, v) {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int64': return v.toString();
    case 'bytes': return Buffer.from(v).toString('base64');
    default: return v;
  }
}

function leafColumns(columns) {
  const out = [];
  for (const c of columns) {
    if (c.kind === 'struct') {
      for (const l of c.leaves) out.push({ path: `${c.name}.${l.name}`, kind: l.kind, get: (row) => (row[c.name] == null ? null : row[c.name][l.name]) });
    } else {
      out.push({ path: c.name, kind: c.kind, get: (row) => row[c.name] });
    }
  }
  return out;
}

function writeExpected(file, writer, options, columns, rows, metadata) {
  const expected = {
    file,
    writer,
    options,
    rows: rows.length,
    chunks: metadata,
    columns: leafColumns(columns).map((l) => ({ path: l.path, kind: l.kind, values: rows.map((r) => expectedValue(l.kind, l.get(r))) })),
  };
  writeFileSync(join(OUT, file.replace(/\.parquet$/, '.expected.json')), JSON.stringify(expected) + '\n');
}

// ---- DuckDB ------------------------------------------------------------------------------
const duck = await (await DuckDBInstance.create(':memory:')).connect();
const duckVersion = (await duck.runAndReadAll('select version()')).getRows()[0][0];

function sqlLiteral(kind, v, column) {
  if (v === null || v === undefined) return 'NULL';
  switch (kind) {
    case 'bool': return v ? 'TRUE' : 'FALSE';
    case 'int': case 'int64': return v.toString();
    case 'float': return `CAST('${v.toString()}' AS ${column.duck})`;
    case 'string': return `'${v.replaceAll("'", "''")}'`;
    case 'bytes':
      if (column.duck === 'UUID') {
        const h = Buffer.from(v).toString('hex');
        return `'${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}'::UUID`;
      }
      return `from_hex('${Buffer.from(v).toString('hex')}')`;
    case 'struct': {
      const parts = column.leaves.map((l) => `${l.name} := ${sqlLiteral(l.kind, v[l.name], { duck: '' })}`);
      return `struct_pack(${parts.join(', ')})`;
    }
    default: throw new Error(kind);
  }
}

async function duckTable(name, columns, rows) {
  await duck.run(`DROP TABLE IF EXISTS ${name}`);
  await duck.run(`CREATE TABLE ${name} (${columns.map((c) => `"${c.name}" ${c.duck}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => `(${columns.map((c) => sqlLiteral(c.kind, r[c.name], c)).join(', ')})`);
    await duck.run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
}

// What DuckDB itself reports of a file's footer, kept in the expected JSON as a cross-check.
async function chunkMetadata(path) {
  const r = await duck.runAndReadAll(`SELECT row_group_id, path_in_schema, compression, encodings FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`);
  return r.getRowObjectsJS().map((o) => ({ rowGroup: Number(o.row_group_id), path: o.path_in_schema.replaceAll(', ', '.'), compression: o.compression, encodings: o.encodings }));
}

async function duckWrite(file, table, columns, rows, options) {
  const path = join(OUT, file);
  await duck.run(`COPY ${table} TO '${path}' (FORMAT parquet, ${options})`);
  writeExpected(file, duckVersion.startsWith('v') ? `DuckDB ${duckVersion}` : duckVersion, options, columns, rows, await chunkMetadata(path));
}

const types = typesTable(48, 1);
await duckTable('types', TYPES_COLUMNS, types);
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
  await duckWrite(`duckdb-types-${codec}.parquet`, 'types', TYPES_COLUMNS, types, `COMPRESSION ${codec}`);
}
// format version 2: data page v2 headers and the DELTA_* encodings
await duckWrite('duckdb-types-v2-zstd.parquet', 'types', TYPES_COLUMNS, types, 'COMPRESSION zstd, PARQUET_VERSION v2');
const many = manyRowsTable(4100);
await duckTable('many', MANY_COLUMNS, many);
await duckWrite('duckdb-rowgroups-snappy.parquet', 'many', MANY_COLUMNS, many, 'COMPRESSION snappy, ROW_GROUP_SIZE 2048');
const flickr = flickrExifTable();
await duckTable('flickr', FLICKR_COLUMNS, flickr);
await duckWrite('duckdb-flickrexif.parquet', 'flickr', FLICKR_COLUMNS, flickr, 'COMPRESSION snappy');
const pairs = pairCamsTable();
await duckTable('pairs', PAIRCAMS_COLUMNS, pairs);
await duckWrite('duckdb-paircams.parquet', 'pairs', PAIRCAMS_COLUMNS, pairs, 'COMPRESSION zstd');

// ---- arrow-rs (parquet-wasm) -------------------------------------------------------------
function arrowTable(columns, rows) {
  const fields = columns.map((c) => new arrow.Field(c.name, c.arrow, c.nullable !== false));
  const vectors = {};
  for (const c of columns) {
    vectors[c.name] = arrow.vectorFromArray(rows.map((r) => r[c.name] ?? null), c.arrow);
  }
  const table = new arrow.Table(vectors);
  // vectorFromArray makes every field nullable; put the declared nullability back
  return new arrow.Table(new arrow.Schema(fields), table.batches.map((b) => new arrow.RecordBatch(new arrow.Schema(fields), b.data)));
}

async function arrowWrite(file, columns, rows, configure, options) {
  const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(arrowTable(columns, rows), 'stream'));
  const props = configure(new pq.WriterPropertiesBuilder()).build();
  const path = join(OUT, file);
  writeFileSync(path, pq.writeParquet(wasmTable, props));
  writeExpected(file, 'arrow-rs (parquet-wasm 0.8.0)', options, columns, rows, await chunkMetadata(path));
}

const small = (b) => b.setMaxRowGroupSize(25).setDataPageSizeLimit(128).setWriteBatchSize(8);
// the all-types table in each page version, dictionary setting and codec combination
for (const [version, dictionary, codec] of [['V1', true, 'SNAPPY'], ['V2', false, 'ZSTD'], ['V2', true, 'GZIP'], ['V1', false, 'UNCOMPRESSED'],
  ['V2', false, 'LZ4_RAW']]) {
  await arrowWrite(`arrow-types-${version.toLowerCase()}-${dictionary ? 'dict' : 'plain'}-${codec.toLowerCase().replace('_', '')}.parquet`,
    TYPES_COLUMNS, types,
    (b) => small(b).setWriterVersion(pq.WriterVersion[version]).setCompression(pq.Compression[codec]).setDictionaryEnabled(dictionary),
    `${version.toLowerCase()} pages, ${dictionary ? 'dictionary' : 'no dictionary'}, ${codec}, 25-row groups, 128-byte pages`);
}
// one non-dictionary encoding at a time, on the columns it applies to
for (const [encoding, names, what] of [
  ['DELTA_BINARY_PACKED', ['req', 'i8', 'i16', 'i32', 'i64'], 'integers'],
  ['DELTA_LENGTH_BYTE_ARRAY', ['s', 'cat', 'blob'], 'strings and binary'],
  ['DELTA_BYTE_ARRAY', ['s', 'cat', 'blob', 'fixed'], 'strings, binary and fixed-length binary'],
  ['BYTE_STREAM_SPLIT', ['f', 'd', 'i32', 'i64', 'fixed'], 'floats, integers and fixed-length binary'],
]) {
  await arrowWrite(`arrow-${encoding.toLowerCase().replaceAll('_', '-')}.parquet`, TYPES_COLUMNS.filter((c) => names.includes(c.name)), types,
    (b) => small(b).setDictionaryEnabled(false).setEncoding(pq.Encoding[encoding]), `${encoding} ${what}`);
}
const INTEGERS = TYPES_COLUMNS.filter((c) => c.name === 'req');
await arrowWrite('arrow-rle-booleans-v2.parquet', TYPES_COLUMNS.filter((c) => ['b', 'req'].includes(c.name)), types,
  (b) => small(b).setWriterVersion(pq.WriterVersion.V2).setDictionaryEnabled(false),
  'v2 pages: booleans RLE-encoded');
await arrowWrite('arrow-flickrexif.parquet', FLICKR_COLUMNS, flickr,
  (b) => b.setCompression(pq.Compression.SNAPPY).setMaxRowGroupSize(10), 'SNAPPY, 10-row groups');
await arrowWrite('arrow-paircams.parquet', PAIRCAMS_COLUMNS, pairs,
  (b) => b.setCompression(pq.Compression.SNAPPY).setMaxRowGroupSize(3).setWriterVersion(pq.WriterVersion.V2), 'SNAPPY, v2 pages, 3-row groups');
// a codec the reader does not decode, for the error test
await arrowWrite('arrow-brotli.parquet', INTEGERS, types.slice(0, 5),
  (b) => b.setCompression(pq.Compression.BROTLI), 'BROTLI (not supported by the reader)');

let total = 0;
for (const f of readdirSync(OUT)) total += readFileSync(join(OUT, f)).length;
console.log(`wrote ${readdirSync(OUT).length} files, ${total} bytes, to ${OUT}`);
