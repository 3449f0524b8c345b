/**
 * The unit tests' schema: films and the people around them. Foreign keys point both ways,
 * `roles` is a many-to-many junction, `film_details` is one-to-one, `messages` has two foreign
 * keys to `users` (an ambiguous embed), `categories` references itself.
 */
import { buildSchemaCache } from './schema-cache.js'

export const filmsCache = buildSchemaCache({
  tables: {
    directors: { columns: ['id integer pk', 'name text', 'data jsonb null'] },
    films: {
      columns: [
        'id integer pk default=nextval(\'films_id_seq\'::regclass)', 'title text', 'director_id integer null', 'year integer null',
        'rating numeric null', 'tags text[] null', 'meta jsonb null', 'category_id integer null', 'search tsvector null',
        'created_at timestamp_with_time_zone default=now()',
      ],
    },
    actors: { columns: ['id integer pk', 'name text', 'birth date null'] },
    roles: { columns: ['film_id integer', 'actor_id integer', 'character text null'], primaryKey: ['film_id', 'actor_id'] },
    film_details: { columns: ['film_id integer pk', 'synopsis text null'] },
    users: { columns: ['id uuid pk', 'email text unique', 'name text null'] },
    reviews: { columns: ['id integer pk', 'film_id integer', 'author_id uuid', 'body text', 'stars integer null'] },
    messages: { columns: ['id integer pk', 'sender_id uuid', 'recipient_id uuid', 'body text'] },
    categories: { columns: ['id integer pk', 'name text', 'parent_id integer null'] },
    film_view: { columns: ['id integer', 'title text'], kind: 'view' },
  },
  foreignKeys: [
    { name: 'films_director_id_fkey', from: 'films(director_id)', to: 'directors(id)' },
    { name: 'films_category_id_fkey', from: 'films(category_id)', to: 'categories(id)' },
    { name: 'roles_film_id_fkey', from: 'roles(film_id)', to: 'films(id)' },
    { name: 'roles_actor_id_fkey', from: 'roles(actor_id)', to: 'actors(id)' },
    { name: 'film_details_film_id_fkey', from: 'film_details(film_id)', to: 'films(id)' },
    { name: 'reviews_film_id_fkey', from: 'reviews(film_id)', to: 'films(id)' },
    { name: 'reviews_author_id_fkey', from: 'reviews(author_id)', to: 'users(id)' },
    { name: 'messages_sender_id_fkey', from: 'messages(sender_id)', to: 'users(id)' },
    { name: 'messages_recipient_id_fkey', from: 'messages(recipient_id)', to: 'users(id)' },
    { name: 'categories_parent_id_fkey', from: 'categories(parent_id)', to: 'categories(id)' },
  ],
  functions: [
    { name: 'add', args: ['a integer', 'b integer'], returns: 'integer', volatility: 'immutable' },
    { name: 'search_films', args: ['q text', 'lim integer default'], returns: 'SETOF films', returnsSet: true, returnsTable: 'films', volatility: 'stable' },
    { name: 'film_count', returns: 'bigint', volatility: 'stable' },
    { name: 'echo_json', args: [': json'], returns: 'json' },
    { name: 'top_film', returns: 'films', returnsTable: 'films', volatility: 'stable' },
    { name: 'pairs', args: ['n integer'], returns: 'SETOF record', returnsSet: true, returnColumns: [{ name: 'x', type: 'integer' }, { name: 'y', type: 'integer' }] },
    { name: 'overloaded', args: ['a integer'], returns: 'integer' },
    { name: 'overloaded', args: ['a text'], returns: 'text' },
    { name: 'overloaded', args: ['b integer', 'c integer'], returns: 'integer' },
    { name: 'set_names', args: ['names text[]'], returns: 'SETOF text', returnsSet: true },
  ],
})
