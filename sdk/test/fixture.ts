/**
 * The fixture app's schema: lists and todos owned by their creator (owner rules: a user reads
 * and writes only their own rows), todos turned on for realtime, private storage folders per
 * user; and its Database type, written as `floe gen types typescript` prints one.
 */

export const TEST_QUEUE = 'sdk-progress'
export const BUCKET = 'sdk-files'

export const FIXTURE_SQL = `
create table public.lists (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid(),
  name text not null
);
create table public.todos (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid(),
  list_id bigint not null references public.lists (id) on delete cascade,
  title text not null,
  done boolean not null default false
);
grant select, insert, update, delete on public.lists, public.todos to authenticated;
create policy lists_owner on public.lists for all to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy todos_owner on public.todos for all to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create function public.count_todos(p_list bigint) returns integer
  language sql stable as $$ select count(*)::int from public.todos where list_id = p_list $$;
grant execute on function public.count_todos(bigint) to authenticated;
select realtime.enable_table('public.todos');
create policy own_read on storage.objects for select to authenticated
  using (bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text));
create policy own_write on storage.objects for insert to authenticated
  with check (bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text));
`

export type Database = {
  public: {
    Tables: {
      lists: {
        Row: { id: number; owner_id: string; name: string }
        Insert: { id?: never; owner_id?: string; name: string }
        Update: { id?: never; owner_id?: string; name?: string }
        Relationships: []
      }
      todos: {
        Row: { id: number; owner_id: string; list_id: number; title: string; done: boolean }
        Insert: { id?: never; owner_id?: string; list_id: number; title: string; done?: boolean }
        Update: { id?: never; owner_id?: string; list_id?: number; title?: string; done?: boolean }
        Relationships: [
          {
            foreignKeyName: 'todos_list_id_fkey'
            columns: ['list_id']
            isOneToOne: false
            referencedRelation: 'lists'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Views: { [_ in never]: never }
    Functions: {
      count_todos: { Args: { p_list: number }; Returns: number }
    }
    Enums: { [_ in never]: never }
    CompositeTypes: { [_ in never]: never }
  }
  Jobs: {
    'sdk-progress': {
      Payload: { n: number; step_ms?: number }
      Result: { doubled: number }
      Progress: number | { step: string; pct: number }
    }
  }
}
