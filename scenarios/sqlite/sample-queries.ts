import type { MigrationSpecInput } from '../../validate/migration-spec.js';

/** The tsvector of the built-in loader's index over the sample's `resources_fts` (scenarios/sqlite/builtin-full-text.ts). */
const DOCUMENT = `to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("body", ''))`;

/** A full-text search for one word: FTS5's MATCH ranked by bm25, PostgreSQL's @@ ranked by ts_rank. */
function search(word: string): NonNullable<MigrationSpecInput['search']>[number] {
  return {
    name: word,
    sqlite: `SELECT rowid FROM resources_fts WHERE resources_fts MATCH '${word}' ORDER BY rank, rowid`,
    postgres: `SELECT id FROM resources WHERE ${DOCUMENT} @@ to_tsquery('simple', '${word}') ORDER BY ts_rank(${DOCUMENT}, to_tsquery('simple', '${word}')) DESC, id`,
  };
}

/**
 * The rollback matrix's timed queries and searches for cutover's sample app database, as its
 * application would run them on each engine: what `cutover rehearse --from sqlite` measures when
 * it moves the sample (a user's file gets the scenario's own `migration`).
 */
export const SAMPLE_MIGRATION: MigrationSpecInput = {
  queries: [
    {
      name: 'resources-of-an-owner',
      sqlite: 'SELECT id, title, created_at FROM resources WHERE owner_id = 7 ORDER BY created_at DESC LIMIT 20',
      postgres: 'SELECT id, title, created_at FROM resources WHERE owner_id = 7 ORDER BY created_at DESC LIMIT 20',
    },
    {
      name: 'public-resources-per-owner',
      sqlite: 'SELECT owner_id, count(*) FROM resources WHERE is_public = 1 GROUP BY owner_id',
      postgres: 'SELECT owner_id, count(*) FROM resources WHERE is_public GROUP BY owner_id',
    },
    {
      name: 'tags-of-a-resource',
      sqlite: 'SELECT t.name FROM resource_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.resource_id = 42 ORDER BY t.name',
      postgres: 'SELECT t.name FROM resource_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.resource_id = 42 ORDER BY t.name',
    },
  ],
  search: [search('postgres'), search('replication')],
};
