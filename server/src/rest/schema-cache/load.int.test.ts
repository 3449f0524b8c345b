import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.js'
import { createDatabase } from '../../db/index.js'
import { createLogger } from '../../log.js'
import { loadSchemaCache } from './load.js'
import { FIXTURE_SQL } from './test-fixture.js'
import type { Column, QualifiedName, Relationship, SchemaCache } from './types.js'

const t = await createTestDatabase()
const database = createDatabase(t.url, { max: 2, log: createLogger('silent') })
const { pool, withOwner } = database
let cache: SchemaCache

beforeAll(async () => {
  await pool.query(FIXTURE_SQL)
  cache = await loadSchemaCache(withOwner, ['api'])
})
afterAll(async () => {
  await database.close()
  await t.drop()
})

function col(name: string, position: number, type: string, udtName: string, more: Partial<Column> = {}): Column {
  return {
    name, type, udtName, position,
    typeKind: 'b', isArray: false, nullable: true, default: null, isGenerated: false, isIdentity: false,
    maxLength: null, enumValues: null, description: null,
    ...more,
  }
}

type Kind = Relationship['kind']
function rel(kind: Kind, table: string, foreignTable: string, constraintName: string, columns: string[], foreignColumns: string[], viaView = false): Relationship {
  const r: Relationship = { kind, table: `api.${table}`, foreignTable: `api.${foreignTable}`, constraintName, columns, foreignColumns }
  if (viaView) r.viaView = true
  return r
}

function m2m(table: string, foreignTable: string, source: [string, string[], string[]], target: [string, string[], string[]], viaView = false): Relationship {
  // source/target: [constraint, junction columns, referenced columns]
  const r: Relationship = {
    kind: 'many-to-many', table: `api.${table}`, foreignTable: `api.${foreignTable}`, constraintName: target[0],
    columns: source[2], foreignColumns: target[2],
    junction: { table: 'api.post_tags', sourceConstraint: source[0], sourceColumns: source[1], targetConstraint: target[0], targetColumns: target[1] },
  }
  if (viaView) r.viaView = true
  return r
}

const summary = (name: QualifiedName) => {
  const { columns: _c, columnsByName: _m, ...rest } = cache.tables.get(name)!
  return rest
}

describe('loadSchemaCache', () => {
  it('lists the exposed relations only, partitions folded into their parent', () => {
    expect([...cache.tables.keys()].sort()).toEqual([
      'api.accounts', 'api.addresses', 'api.comments', 'api.countries', 'api.events', 'api.post_tags',
      'api.post_titles', 'api.posts', 'api.profiles', 'api.published_posts', 'api.tags', 'api.user_post_counts', 'api.users',
    ])
    expect(cache.schemas).toEqual(['api'])
    expect(cache.pgVersion).toBeGreaterThanOrEqual(130000)
  })

  it('reads kinds, mutability, keys and descriptions', () => {
    const base = { insertable: true, updatable: true, deletable: true, uniqueKeys: [], description: null }
    expect(summary('api.users')).toEqual({ ...base, schema: 'api', name: 'users', kind: 'table', primaryKey: ['id'], uniqueKeys: [['email']], description: 'People who sign in' })
    // the expression index and the partial index are not keys a conflict target can name
    expect(summary('api.tags')).toEqual({ ...base, schema: 'api', name: 'tags', kind: 'table', primaryKey: ['id'], uniqueKeys: [['name']] })
    expect(summary('api.countries')).toMatchObject({ primaryKey: ['code', 'region'] })
    expect(summary('api.events')).toEqual({ ...base, schema: 'api', name: 'events', kind: 'partitioned_table', primaryKey: ['id', 'at'] })
    // views: updatability from pg_relation_is_updatable, primary key from the base table
    expect(summary('api.published_posts')).toEqual({ ...base, schema: 'api', name: 'published_posts', kind: 'view', primaryKey: ['id'] })
    expect(summary('api.accounts')).toEqual({ ...base, schema: 'api', name: 'accounts', kind: 'view', primaryKey: ['id'] })
    expect(summary('api.post_titles')).toEqual({ ...base, schema: 'api', name: 'post_titles', kind: 'view', insertable: false, updatable: false, primaryKey: [] })
    expect(summary('api.user_post_counts')).toEqual({
      ...base, schema: 'api', name: 'user_post_counts', kind: 'materialized_view',
      insertable: false, updatable: false, deletable: false, primaryKey: [],
    })
  })

  it('reads columns: types, enums, domains, generated and identity columns, defaults', () => {
    const status = ['draft', 'published', 'archived']
    expect(cache.tables.get('api.users')!.columns).toEqual([
      col('id', 1, 'integer', 'int4', { nullable: false, isGenerated: true, isIdentity: true, default: "nextval('api.users_id_seq'::regclass)" }),
      col('email', 2, 'character varying(120)', 'varchar', { nullable: false, maxLength: 120, description: 'Login address' }),
      col('manager_id', 3, 'integer', 'int4'),
      col('created_at', 4, 'timestamp with time zone', 'timestamptz', { nullable: false, default: 'now()' }),
    ])
    expect(cache.tables.get('api.posts')!.columns).toEqual([
      col('id', 1, 'bigint', 'int8', { nullable: false, default: "nextval('api.posts_id_seq'::regclass)" }),
      col('author_id', 2, 'integer', 'int4', { nullable: false }),
      col('editor_id', 3, 'integer', 'int4'),
      col('title', 4, 'text', 'text', { nullable: false }),
      col('slug', 5, 'text', 'text', { isGenerated: true }),
      col('status', 6, 'api.status', 'status', { typeKind: 'e', nullable: false, default: "'draft'::api.status", enumValues: status }),
      col('moods', 7, 'api.status[]', '_status', { isArray: true, enumValues: status }),
      col('tags', 8, 'text[]', '_text', { isArray: true }),
    ])
    expect(cache.tables.get('api.profiles')!.columnsByName.get('nickname')).toEqual(
      col('nickname', 2, 'api.short_text', 'short_text', { baseUdtName: 'varchar', typeKind: 'd', nullable: false, maxLength: 20, default: "'n/a'::character varying" }),
    )
    expect(cache.tables.get('api.published_posts')!.columns.map((c) => c.name)).toEqual(['id', 'writer_id', 'title', 'status'])
  })

  it('infers relationships from both ends, through views, and many-to-many through the junction', () => {
    const rels = Object.fromEntries(cache.relationships)
    const pp: [string, string[], string[]] = ['post_tags_post_id_fkey', ['post_id'], ['id']]
    const pt: [string, string[], string[]] = ['post_tags_tag_id_fkey', ['tag_id'], ['id']]
    expect(rels).toEqual({
      'api.users': [
        rel('one-to-many', 'users', 'accounts', 'accounts_owner_id_fkey', ['id'], ['owner_id'], true),
        rel('one-to-many', 'users', 'addresses', 'addresses_user_id_fkey', ['id'], ['user_id']),
        rel('one-to-many', 'users', 'events', 'events_user_id_fkey', ['id'], ['user_id']),
        rel('one-to-many', 'users', 'posts', 'posts_author_id_fkey', ['id'], ['author_id']),
        rel('one-to-many', 'users', 'posts', 'posts_editor_id_fkey', ['id'], ['editor_id']),
        rel('one-to-one', 'users', 'profiles', 'profiles_user_id_fkey', ['id'], ['user_id']),
        rel('one-to-many', 'users', 'published_posts', 'posts_author_id_fkey', ['id'], ['writer_id'], true),
        rel('one-to-many', 'users', 'user_post_counts', 'posts_author_id_fkey', ['id'], ['author_id'], true),
        rel('many-to-one', 'users', 'users', 'users_manager_id_fkey', ['manager_id'], ['id']),
        rel('one-to-many', 'users', 'users', 'users_manager_id_fkey', ['id'], ['manager_id']),
      ],
      'api.profiles': [rel('one-to-one', 'profiles', 'users', 'profiles_user_id_fkey', ['user_id'], ['id'])],
      'api.posts': [
        rel('one-to-many', 'posts', 'comments', 'comments_post_id_fkey', ['id'], ['post_id']),
        rel('one-to-many', 'posts', 'post_tags', 'post_tags_post_id_fkey', ['id'], ['post_id']),
        m2m('posts', 'tags', pp, pt),
        rel('many-to-one', 'posts', 'users', 'posts_author_id_fkey', ['author_id'], ['id']),
        rel('many-to-one', 'posts', 'users', 'posts_editor_id_fkey', ['editor_id'], ['id']),
      ],
      'api.tags': [
        rel('one-to-many', 'tags', 'post_tags', 'post_tags_tag_id_fkey', ['id'], ['tag_id']),
        m2m('tags', 'posts', pt, pp),
        m2m('tags', 'published_posts', pt, pp, true),
      ],
      'api.post_tags': [
        rel('many-to-one', 'post_tags', 'posts', 'post_tags_post_id_fkey', ['post_id'], ['id']),
        rel('many-to-one', 'post_tags', 'published_posts', 'post_tags_post_id_fkey', ['post_id'], ['id'], true),
        rel('many-to-one', 'post_tags', 'tags', 'post_tags_tag_id_fkey', ['tag_id'], ['id']),
      ],
      'api.addresses': [
        rel('many-to-one', 'addresses', 'countries', 'addresses_country_code_region_fkey', ['country_code', 'region'], ['code', 'region']),
        rel('many-to-one', 'addresses', 'users', 'addresses_user_id_fkey', ['user_id'], ['id']),
      ],
      'api.countries': [
        rel('one-to-many', 'countries', 'addresses', 'addresses_country_code_region_fkey', ['code', 'region'], ['country_code', 'region']),
      ],
      'api.comments': [
        rel('many-to-one', 'comments', 'comments', 'comments_parent_id_fkey', ['parent_id'], ['id']),
        rel('one-to-many', 'comments', 'comments', 'comments_parent_id_fkey', ['id'], ['parent_id']),
        rel('many-to-one', 'comments', 'posts', 'comments_post_id_fkey', ['post_id'], ['id']),
        rel('many-to-one', 'comments', 'published_posts', 'comments_post_id_fkey', ['post_id'], ['id'], true),
      ],
      'api.events': [rel('many-to-one', 'events', 'users', 'events_user_id_fkey', ['user_id'], ['id'])],
      'api.published_posts': [
        rel('one-to-many', 'published_posts', 'comments', 'comments_post_id_fkey', ['id'], ['post_id'], true),
        rel('one-to-many', 'published_posts', 'post_tags', 'post_tags_post_id_fkey', ['id'], ['post_id'], true),
        m2m('published_posts', 'tags', pp, pt, true),
        rel('many-to-one', 'published_posts', 'users', 'posts_author_id_fkey', ['writer_id'], ['id'], true),
      ],
      'api.user_post_counts': [rel('many-to-one', 'user_post_counts', 'users', 'posts_author_id_fkey', ['author_id'], ['id'], true)],
      // the private table behind the view appears nowhere, only the view
      'api.accounts': [rel('many-to-one', 'accounts', 'users', 'accounts_owner_id_fkey', ['owner_id'], ['id'], true)],
    })
  })

  it('lists callable functions with their arguments, results and volatility', () => {
    const fns = cache.functions
    const arg = (name: string, type: string, udtName: string, hasDefault = false, mode: 'in' | 'inout' | 'variadic' = 'in') => ({ name, type, udtName, hasDefault, mode })
    // not callable through the API: an unnamed int, two unnamed, a trigger, a procedure
    expect([...fns.keys()].sort()).toEqual([
      'api.add', 'api.echo', 'api.make_pair', 'api.posts_by', 'api.search', 'api.split', 'api.total', 'api.touch', 'api.user_summary',
    ])
    const common = { schema: 'api', returnsSet: false, returnsTable: null, returnColumns: null, returnsScalar: true, returnMedia: null, description: null }
    const one = (name: string) => {
      const list = fns.get(`api.${name}`)!
      expect(list).toHaveLength(1)
      const { oid, ...rest } = list[0]!
      expect(oid).toBeGreaterThan(0)
      return rest
    }
    expect(one('add')).toEqual({ ...common, name: 'add', args: [arg('a', 'integer', 'int4'), arg('b', 'integer', 'int4', true)], returnType: 'integer', volatility: 'immutable', description: 'Adds two numbers' })
    expect(one('posts_by')).toEqual({ ...common, name: 'posts_by', args: [arg('author', 'integer', 'int4')], returnType: 'SETOF api.posts', returnsSet: true, returnsTable: 'api.posts', returnsScalar: false, volatility: 'stable' })
    expect(one('user_summary')).toEqual({
      ...common, name: 'user_summary', args: [arg('min_posts', 'integer', 'int4')], returnType: 'SETOF record', returnsSet: true, returnsScalar: false,
      returnColumns: [{ name: 'user_id', type: 'integer' }, { name: 'post_count', type: 'bigint' }], volatility: 'stable',
    })
    expect(one('touch')).toEqual({ ...common, name: 'touch', args: [], returnType: 'void', volatility: 'volatile' })
    expect(one('echo')).toEqual({ ...common, name: 'echo', args: [arg('', 'json', 'json')], returnType: 'json', volatility: 'immutable' })
    expect(one('split')).toEqual({
      ...common, name: 'split', args: [arg('x', 'integer', 'int4', false, 'inout')], returnType: 'record', returnsScalar: false,
      returnColumns: [{ name: 'x', type: 'integer' }, { name: 'y', type: 'text' }], volatility: 'volatile',
    })
    expect(one('total')).toEqual({ ...common, name: 'total', args: [arg('nums', 'integer[]', '_int4', false, 'variadic')], returnType: 'integer', volatility: 'immutable' })
    expect(one('make_pair')).toEqual({
      ...common, name: 'make_pair', args: [], returnType: 'api.pair', returnsScalar: false,
      returnColumns: [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }], volatility: 'volatile',
    })
    // overloads share a key, fewest arguments first
    expect(fns.get('api.search')!.map((f) => f.args.map((a) => a.name))).toEqual([['q'], ['q', 'lim']])
    expect(fns.get('api.search')!.every((f) => f.returnsTable === 'api.posts' && f.volatility === 'stable')).toBe(true)
  })

  it('exposes nothing outside the configured schemas', async () => {
    const other = await loadSchemaCache(withOwner, ['private'])
    expect([...other.tables.keys()]).toEqual(['private.accounts'])
    // users is not exposed, so the FK to it yields no relationship
    expect(other.relationships.size).toBe(0)
    const none = await loadSchemaCache(withOwner, ['no_such_schema'])
    expect(none.tables.size + none.functions.size + none.relationships.size).toBe(0)
  })
})
