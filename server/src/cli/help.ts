export const HELP = `Usage: floe <command>    (from the repository: pnpm floe <command>)

  start                  run the server (default); applies pending migrations first
  worker                 run only the job workers and outbox relay (no HTTP)
  migrate                apply Floe's migrations, then the app's (FLOE_MIGRATIONS_DIR), and exit
  migrate --status       list the app's migrations: applied (when) or pending
  migrate --dry-run      print what migrate would apply, apply nothing
  migration new <name>   write an empty <YYYYMMDDHHMMSS>_<name>.sql into FLOE_MIGRATIONS_DIR
  sql                    an SQL prompt on Floe's database, as its owner (\\q quits)
  sql -c "<sql>"         run the statements and exit (1 at the first error)
  sql -f <file>          run a file's statements and exit (1 at the first error)
  db url                 print a connection URL of Floe's database
  keys                   show this instance's API keys
  keys rotate <anon|service>
                         replace a key; the old one stops working
  gen types typescript [--schema public,other] [--db-url <url>]
                         print the Database type of the schemas (default: FLOE_DB_SCHEMAS)
                         for supabase-js / postgrest-js / @floe/sdk
  backup <file>          write the database, the stored files and the keys into one archive
  restore <file>         restore such an archive into an empty database and an empty store
  help                   this text

Every command but start and worker works whether the server runs or not: with the embedded
PostgreSQL (no DATABASE_URL) it uses the running server's, else starts it for the command.
Configuration comes from the environment: see the README's configuration table.`
