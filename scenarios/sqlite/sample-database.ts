import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CutoverError } from '../../core/errors.js';
import { SAMPLE_NAMES, SAMPLE_TAGS, SampleRandom, sampleSentence } from './sample-text.js';

export interface SampleSqliteOptions {
  /** Rows of `resources`; users, tags and links follow from it. Default 5,000. */
  resources?: number;
}

/** What was written: each table and its rows, in name order. */
export interface SampleSqlite {
  tables: { name: string; rows: number }[];
}

/**
 * The schema of a small Python web application's SQLite database, as SQLAlchemy writes one:
 * BOOLEAN held as 0/1, DATETIME as ISO text, a TIMESTAMP held as unix seconds, JSON as text, a
 * UUID as its text (declared UUID, as a GUID type decorator declares it), a BLOB, a WITHOUT
 * ROWID link table, and an FTS5 index kept on `resources` by triggers (external content).
 */
const SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT,
  is_admin BOOLEAN NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL
);
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  uuid UUID NOT NULL UNIQUE,
  title TEXT NOT NULL,
  body TEXT,
  subjects JSON,
  embedding JSON,
  is_public BOOLEAN NOT NULL,
  score REAL,
  created_at DATETIME NOT NULL,
  updated_at TIMESTAMP,
  thumbnail BLOB
);
CREATE INDEX ix_resources_owner_id ON resources (owner_id);
CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE resource_tags (
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  tag_id INTEGER NOT NULL REFERENCES tags(id),
  PRIMARY KEY (resource_id, tag_id)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE resources_fts USING fts5(title, body, content='resources', content_rowid='id');
`;

/** The triggers that keep an external-content FTS5 index in step (SQLite's documentation's), made after the bulk insert. */
const FTS_TRIGGERS = `
CREATE TRIGGER resources_ai AFTER INSERT ON resources BEGIN
  INSERT INTO resources_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER resources_ad AFTER DELETE ON resources BEGIN
  INSERT INTO resources_fts (resources_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER resources_au AFTER UPDATE ON resources BEGIN
  INSERT INTO resources_fts (resources_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO resources_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
INSERT INTO resources_fts (resources_fts) VALUES ('rebuild');
`;

const SEED = 20_260_116;
/** 2020-01-01 00:00:00 UTC, in seconds. */
const EPOCH = 1_577_836_800;
const FOUR_YEARS = 4 * 365 * 86_400;

/** `YYYY-MM-DD HH:MM:SS` in UTC, as SQLAlchemy writes a naive UTC datetime (without microseconds here). */
const isoSeconds = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Writes cutover's sample SQLite database at `path` (which must not exist yet): users, resources,
 * tags and their links, deterministic for a given size (a seeded generator), with texts in several
 * scripts, NULLs where columns allow them, and topic words so that an FTS query for `postgres`
 * finds about 3 % of the resources.
 */
export function writeSampleSqlite(path: string, options: SampleSqliteOptions = {}): SampleSqlite {
  const resources = options.resources ?? 5_000;
  if (!Number.isInteger(resources) || resources < 1) throw new CutoverError('usage', `resources: expected a whole number above 0, got ${resources}`);
  if (existsSync(path)) throw new CutoverError('usage', `${path}: already exists; the sample is written only to a new file`);
  const random = new SampleRandom(SEED);
  const users = Math.max(10, Math.ceil(resources / 20));
  const db = new Database(path);
  try {
    db.exec(SCHEMA);
    let links = 0;
    db.transaction(() => {
      const user = db.prepare('INSERT INTO users (id, email, display_name, is_admin, created_at) VALUES (?, ?, ?, ?, ?)');
      for (let id = 1; id <= users; id++) {
        const name = `${random.pick(SAMPLE_NAMES)} ${random.pick(SAMPLE_NAMES)}`;
        user.run(id, `user${id}@example.org`, random.chance(0.15) ? null : name, id % 25 === 1 ? 1 : 0, isoSeconds(EPOCH + random.int(0, FOUR_YEARS)));
      }
      const tag = db.prepare('INSERT INTO tags (id, name) VALUES (?, ?)');
      SAMPLE_TAGS.forEach((name, i) => tag.run(i + 1, name));
      const resource = db.prepare('INSERT INTO resources (id, owner_id, uuid, title, body, subjects, embedding, is_public, score, created_at, updated_at, thumbnail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const link = db.prepare('INSERT INTO resource_tags (resource_id, tag_id) VALUES (?, ?)');
      for (let id = 1; id <= resources; id++) {
        const created = EPOCH + random.int(0, FOUR_YEARS);
        resource.run(
          id,
          random.int(1, users),
          random.uuid(),
          sampleSentence(random, random.int(2, 5)),
          random.chance(0.1) ? null : `${sampleSentence(random, random.int(6, 14))}. ${sampleSentence(random, random.int(3, 8))}.`,
          random.chance(0.15) ? null : subjectsJson(random),
          random.chance(0.1) ? null : embeddingJson(random),
          random.chance(0.6) ? 1 : 0,
          random.chance(0.2) ? null : random.chance(0.5) ? random.int(0, 5_000) / 1_000 : random.next() * 100,
          isoSeconds(created),
          random.chance(0.25) ? null : created + random.int(0, 90 * 86_400),
          random.chance(0.7) ? null : thumbnail(random),
        );
        const tagIds = new Set(Array.from({ length: random.int(0, 3) }, () => random.int(1, SAMPLE_TAGS.length)));
        for (const t of tagIds) link.run(id, t);
        links += tagIds.size;
      }
    })();
    db.exec(FTS_TRIGGERS);
    const counts: Record<string, number> = { resource_tags: links, resources, tags: SAMPLE_TAGS.length, users };
    return { tables: Object.keys(counts).sort().map((name) => ({ name, rows: counts[name]! })) };
  } finally {
    db.close();
  }
}

const SCHEMES = ['lcsh', 'local', 'wikidata', 'mesh'];

/** 1 to 3 subject objects, keys in varying order and spacing (as different code paths of an app write them). */
function subjectsJson(random: SampleRandom): string {
  const objects = Array.from({ length: random.int(1, 3) }, () => {
    const fields: [string, string][] = [
      ['scheme', JSON.stringify(random.pick(SCHEMES))],
      ['term', JSON.stringify(sampleSentence(random, random.int(1, 2)))],
    ];
    if (random.chance(0.4)) fields.push(['weight', String(random.int(1, 100) / 100)]);
    if (random.chance(0.2)) fields.push(['primary', random.chance(0.5) ? 'true' : 'false']);
    if (random.chance(0.5)) fields.reverse();
    const spaced = random.chance(0.5);
    return `{${fields.map(([k, v]) => `"${k}"${spaced ? ': ' : ':'}${v}`).join(spaced ? ', ' : ',')}}`;
  });
  return random.chance(0.5) ? `[${objects.join(',')}]` : `[ ${objects.join(', ')} ]`;
}

/** 8 floats, as an app that keeps a small vector as JSON text writes it. */
function embeddingJson(random: SampleRandom): string {
  const values = Array.from({ length: 8 }, () => Math.round((random.next() * 2 - 1) * 1e6) / 1e6);
  return random.chance(0.5) ? JSON.stringify(values) : `[${values.join(', ')}]`;
}

/** A few bytes that start like a PNG, with every byte value possible after them. */
function thumbnail(random: SampleRandom): Buffer {
  const header = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return Buffer.from([...header, ...Array.from({ length: random.int(8, 56) }, () => random.int(0, 255))]);
}
