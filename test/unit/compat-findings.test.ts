import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dumpSections, parsePsqlMessages, type PsqlMessage } from '../../scenarios/compat/index.js';
import { restoreFindings } from '../../scenarios/compat/restore-findings.js';
import { roleFindings } from '../../scenarios/compat/role-findings.js';
import { buildCompatReport } from '../../reports/compat/compat-report.js';
import { renderCompatJunit, renderCompatMarkdown } from '../../reports/compat/compat-render.js';
import type { CompatResult } from '../../scenarios/compat/compat-types.js';
import { toFinding } from '../../checks/to-finding.js';

/**
 * The compatibility rehearsal's parsing, on a real schema dump of a PostgreSQL 15 database taken
 * with pg_dump 17 and the messages psql 17 printed restoring it (test/fixtures/compat/).
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/compat/${name}`, import.meta.url), 'utf8');
const dump = fixture('removed-in-17.schema.sql');
const log = fixture('removed-in-17.restore.log');

describe('dumpSections', () => {
  it('splits a plain dump into its TOC entries with type, schema, name and owner', () => {
    const sections = dumpSections(dump);
    expect(sections.map((s) => `${s.type} ${s.schema} ${s.name} ${s.owner}`)).toEqual([
      'PREAMBLE - session settings ',
      'SCHEMA - monitoring postgres',
      'FUNCTION monitoring timed_checkpoints() postgres',
      'VIEW monitoring checkpoint_stats postgres',
      'VIEW monitoring checkpoint_ratio postgres',
      'TABLE monitoring samples postgres',
      'CONSTRAINT monitoring samples samples_pkey postgres',
    ]);
    // Entries tile the file: each starts right after the previous one ends.
    for (let i = 1; i < sections.length; i++) expect(sections[i]!.startLine).toBe(sections[i - 1]!.endLine + 1);
  });
});

describe('parsePsqlMessages', () => {
  it('reads every error with its script line, SQLSTATE and position, and ignores LOCATION', () => {
    const messages = parsePsqlMessages(log, 'schema.sql');
    expect(messages.map((m) => [m.line, m.level, m.sqlState])).toEqual([
      [40, 'ERROR', '42703'],
      [43, 'ERROR', '42883'],
      [53, 'ERROR', '42703'],
      [56, 'ERROR', '42P01'],
      [64, 'ERROR', '42P01'],
      [67, 'ERROR', '42P01'],
    ]);
    expect(messages[0]).toMatchObject({ message: 'column pg_stat_bgwriter.checkpoints_timed does not exist' });
    expect(messages[0]?.position).toMatch(/^LINE 4: {2}SELECT pg_stat_bgwriter\.checkpoints_timed\n +\^$/);
  });

  it('keeps DETAIL and HINT, and skips messages of another file', () => {
    const text = [
      'psql:other.sql:3: ERROR:  0A000: extension "vector" is not available',
      'psql:schema.sql:26: ERROR:  0A000: extension "vector" is not available',
      'DETAIL:  Could not open extension control file "/x/vector.control": No such file or directory.',
      'HINT:  The extension must first be installed on the system where PostgreSQL is running.',
      'LOCATION:  parse_extension_control_file, extension.c:640',
      'psql:schema.sql:30: WARNING:  01000: something to know',
    ].join('\n');
    const messages = parsePsqlMessages(text, 'schema.sql');
    expect(messages).toEqual([
      {
        line: 26,
        level: 'ERROR',
        sqlState: '0A000',
        message: 'extension "vector" is not available',
        detail: 'Could not open extension control file "/x/vector.control": No such file or directory.',
        hint: 'The extension must first be installed on the system where PostgreSQL is running.',
      },
      { line: 30, level: 'WARNING', sqlState: '01000', message: 'something to know' },
    ]);
  });
});

describe('restoreFindings', () => {
  const findings = restoreFindings({ sections: dumpSections(dump), messages: parsePsqlMessages(log, 'schema.sql'), dumpLines: dump.split('\n'), database: 'app' });

  it('names the object of every refused statement with a stable key, and its first cause', () => {
    expect(findings.map((f) => [f.key, f.severity, f.details?.sqlState, f.details?.causedBy])).toEqual([
      ['function:monitoring.timed_checkpoints()', 'fail', '42703', undefined],
      ['function:monitoring.timed_checkpoints()#2', 'fail', '42883', 'function:monitoring.timed_checkpoints()'],
      ['view:monitoring.checkpoint_stats', 'fail', '42703', undefined],
      ['view:monitoring.checkpoint_stats#2', 'fail', '42P01', 'view:monitoring.checkpoint_stats'],
      ['view:monitoring.checkpoint_ratio', 'fail', '42P01', 'view:monitoring.checkpoint_stats'],
      ['view:monitoring.checkpoint_ratio#2', 'fail', '42P01', 'view:monitoring.checkpoint_ratio'],
    ]);
    expect(findings[2]).toMatchObject({
      object: 'monitoring.checkpoint_stats',
      message: 'VIEW monitoring.checkpoint_stats does not restore on the target [42703]: column pg_stat_bgwriter.checkpoints_timed does not exist',
      details: { database: 'app', type: 'VIEW', schema: 'monitoring', name: 'checkpoint_stats', owner: 'postgres', line: 53 },
    });
    // The entry's SQL comes with it, without the dump's comment lines.
    expect(findings[2]?.details?.sql).toMatch(/^CREATE VIEW monitoring\.checkpoint_stats AS\n SELECT pg_stat_bgwriter\.checkpoints_timed,/);
    expect(findings[2]?.details?.sql).toMatch(/ALTER VIEW monitoring\.checkpoint_stats OWNER TO postgres;$/);
  });

  it('an extension the target lacks is the cause of what uses its type', () => {
    const text = [
      '--', '-- Name: vector; Type: EXTENSION; Schema: -; Owner: -', '--', '', 'CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;', '',
      '--', '-- Name: docs; Type: TABLE; Schema: public; Owner: postgres', '--', '', 'CREATE TABLE public.docs (e public.vector(3));',
    ];
    const messages: PsqlMessage[] = [
      { line: 5, level: 'ERROR', sqlState: '0A000', message: 'extension "vector" is not available' },
      { line: 11, level: 'ERROR', sqlState: '42704', message: 'type "public.vector" does not exist' },
    ];
    const out = restoreFindings({ sections: dumpSections(text.join('\n')), messages, dumpLines: text, database: 'app' });
    expect(out.map((f) => [f.key, f.object, f.details?.causedBy])).toEqual([
      ['extension:vector', 'vector', undefined],
      ['table:public.docs', 'public.docs', 'extension:vector'],
    ]);
  });
});

describe('restoreFindings of a refused later statement', () => {
  it('names a refused ALTER TABLE … ALTER COLUMN … SET (…) as that statement, and the table as restored', () => {
    const text = [
      '--', '-- Name: items; Type: TABLE; Schema: public; Owner: postgres', '--', '',
      'CREATE TABLE public.items (', '    id bigint NOT NULL,', '    body text', ');', '',
      'ALTER TABLE ONLY public.items', '    ALTER COLUMN body SET (n_distinct=-1, bogus_option=1);', '',
      'ALTER TABLE public.items OWNER TO postgres;',
    ];
    const messages: PsqlMessage[] = [{ line: 11, level: 'ERROR', sqlState: '22023', message: 'unrecognized parameter "bogus_option"' }];
    const [f, ...rest] = restoreFindings({ sections: dumpSections(text.join('\n')), messages, dumpLines: text, database: 'app' });
    expect(rest).toEqual([]);
    expect(f?.message).toBe(
      'TABLE public.items: the target refused `ALTER TABLE ONLY public.items ALTER COLUMN body SET (n_distinct=-1, bogus_option=1)` [22023]: unrecognized parameter "bogus_option" (the table itself restored)',
    );
    expect(f?.message).not.toContain('does not restore');
    expect(f?.details).toMatchObject({ statement: 'ALTER TABLE ONLY public.items ALTER COLUMN body SET (n_distinct=-1, bogus_option=1);', line: 11 });
    expect(f?.details?.causedBy).toBeUndefined();
  });

  it('still says a table does not restore when its CREATE fails, and its later statements follow from that', () => {
    const text = [
      '--', '-- Name: docs; Type: TABLE; Schema: public; Owner: postgres', '--', '',
      'CREATE TABLE public.docs (e public.vector(3));', '',
      'ALTER TABLE public.docs OWNER TO postgres;',
    ];
    const messages: PsqlMessage[] = [
      { line: 5, level: 'ERROR', sqlState: '42704', message: 'type "public.vector" does not exist' },
      { line: 7, level: 'ERROR', sqlState: '42P01', message: 'relation "public.docs" does not exist' },
    ];
    const out = restoreFindings({ sections: dumpSections(text.join('\n')), messages, dumpLines: text, database: 'app' });
    expect(out.map((f) => f.message)).toEqual([
      'TABLE public.docs does not restore on the target [42704]: type "public.vector" does not exist',
      'TABLE public.docs does not restore on the target [42P01]: relation "public.docs" does not exist (follows from its first failure)',
    ]);
  });
});

describe('roleFindings', () => {
  const lines = ['CREATE ROLE postgres;', 'ALTER ROLE postgres WITH SUPERUSER;', 'CREATE ROLE "Odd ""Role""";', 'ALTER ROLE "Odd ""Role""" WITH NOBYPASSRLS BOGUS;'];

  it('ignores the bootstrap superuser that exists already, and names the role of any other refusal', () => {
    const messages: PsqlMessage[] = [
      { line: 1, level: 'ERROR', sqlState: '42710', message: 'role "postgres" already exists' },
      { line: 4, level: 'ERROR', sqlState: '42601', message: 'syntax error at or near "BOGUS"' },
    ];
    expect(roleFindings(messages, lines)).toEqual([
      expect.objectContaining({ key: 'role:Odd "Role"', severity: 'fail', object: 'Odd "Role"', details: expect.objectContaining({ sqlState: '42601', line: 4 }) }),
    ]);
  });
});

describe('compat report', () => {
  const restore = restoreFindings({ sections: dumpSections(dump), messages: parsePsqlMessages(log, 'schema.sql'), dumpLines: dump.split('\n'), database: 'app' });
  const result: CompatResult = {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    source: { endpoint: { host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', sslmode: 'disable' }, version: '15.18', major: 15 },
    target: { major: 17, version: '17.11', toolsBindir: '/opt/pg17/bin', server: 'bindir', serverBindir: '/opt/pg17/bin' },
    entries: 6,
    failedEntries: 3,
    roles: 1,
    findings: restore.map((f) => toFinding('compat.restore', f, 'evaluate')),
  };

  it('fails the gate on refused statements unless the allow-list names them', () => {
    expect(buildCompatReport(result, { failOn: ['fail'], allow: [] }).verdict).toBe('fail');
    const allowed = buildCompatReport(result, { failOn: ['fail'], allow: ['compat.restore/*'] });
    expect(allowed.verdict).toBe('warn');
    expect(allowed.summary).toMatchObject({ failing: 0, allowed: 6, entries: 6, failedEntries: 3 });
    expect(buildCompatReport({ ...result, findings: [] }, { failOn: ['fail'], allow: [] }).verdict).toBe('pass');
  });

  it('renders JUnit with one failed testcase per object and Markdown with the SQLSTATE of each', () => {
    const report = buildCompatReport(result, { failOn: ['fail'], allow: [] }, '2026-01-01T00:00:00.000Z');
    const xml = renderCompatJunit(report);
    expect(xml).toContain('<testsuites name="cutover compat" tests="5" failures="3" errors="0" skipped="1"');
    expect(xml).toContain('<testcase classname="compat.restore" name="VIEW monitoring.checkpoint_stats"');
    expect(xml).toContain('<testcase classname="compat.roles" name="roles restore on the target" time="0.000"/>');
    const markdown = renderCompatMarkdown(report);
    expect(markdown).toContain('## cutover compat: FAIL');
    expect(markdown).toContain('| fail | failing | VIEW monitoring.checkpoint\\_stats | 42703 | column pg\\_stat\\_bgwriter.checkpoints\\_timed does not exist |');
  });
});
