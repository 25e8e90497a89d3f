/** The `--help` texts of `loom` and its commands. */

export const MAIN_HELP = `Usage: loom <command> [options] <config.yaml>...

Run and inspect a loom application described by its config files.

Commands:
  serve [--workers N]        serve the REST API (N > 1: N processes sharing the port)
  worker                     run the job worker until SIGTERM/SIGINT
  db sync                    create the tables that do not exist yet
  db migrate [--dir D] [--baseline]
                             apply the pending migrations (--baseline: adopt a synced database)
  db make-migration [--dir D] [--name N] [--allow-drop]
                             write the next migration from what changed in the models
  routes                     print the routes: method, path, use case, status
  openapi [--out F] [--check]
                             print or write the OpenAPI document; --check: fail when F is stale
  new <dir>                  create an app in a new folder (model, use cases, job, REST, tests)
  dev [entry]                run the app (default src/main.ts) and restart it when a file changes

Config files are merged left to right (later keys win); relative paths inside them start at the
first file's folder. Example: loom routes examples/store/config/api.yaml

Options:
  -h, --help                 show help (also: loom <command> --help)
  -v, --version              print loom's version

Exit codes: 0 ok, 1 failure, 2 usage error.
`;

export const SERVE_HELP = `Usage: loom serve [--workers N] [--host H] [--port P] <config.yaml>...

Builds the application (createApp) and serves it at app.rest.host:app.rest.port.
SIGTERM or SIGINT stops it gracefully: no new connections, in-flight requests and jobs finish, then
the database and queue connections close.

Options:
  --workers N                run N processes sharing the port (node:cluster); a process that crashes
                             is restarted; SIGTERM/SIGINT is forwarded to every process. Default 1.
                             With N > 1 use the bullmq job backend: in-process queues are per process.
  --host H                   listen address (overrides app.rest.host)
  --port P                   listen port (overrides app.rest.port; 0 = any free port)
  --shutdown-timeout MS      deadline of the shutdown: past it the process exits anyway
                             (overrides app.shutdown.timeoutMs, default 30000)
  -h, --help                 show this help
`;

export const WORKER_HELP = `Usage: loom worker [--shutdown-timeout MS] <config.yaml>...

Builds the worker (createWorker) and consumes the queues of its jobs and callbacks (plus jobs.queues)
until SIGTERM or SIGINT; then it stops taking jobs and lets the running ones finish.

Options:
  --shutdown-timeout MS      deadline of the shutdown: past it the process exits anyway
                             (overrides app.shutdown.timeoutMs, default 30000)
  -h, --help                 show this help

Memory: under steady load V8 grows a worker's young generation to 2 x 64 MB and shrinks it whenever
the load dips, so RSS swings by over 100 MB. For a flat, smaller RSS start workers with
  node --min-semi-space-size=16 --max-semi-space-size=16 --no-memory-reducer \
    node_modules/loom-kernel/bin/loom.js worker config/worker.yaml
(docs/operations.md, "Worker memory": the figures and what it costs).
`;

export const DB_HELP = `Usage: loom db <sync|migrate|make-migration> [options] <config.yaml>...

  db sync                    create every table of the models that does not exist yet (no changes to
                             existing tables; fails, listing them, when existing tables differ from
                             their models)
  db migrate [--dir D]       apply the migrations of D that have not run yet, in order, each in a
                             transaction
  db migrate --baseline [--dir D]
                             adopt a database created by schema sync (database.sync: create): check
                             that its tables are those D's migrations create (schema.snapshot.json),
                             then record every migration as applied without running it
  db make-migration [--dir D] [--name N] [--allow-drop]
                             write the next migration of D from the difference between the models and
                             D's schema snapshot (schema.snapshot.json), and the new snapshot. The first
                             one creates every table; later ones add tables, columns (nullable or with a
                             default) and indexes. Dropped columns and tables need --allow-drop.

Options:
  --dir D                    the migrations folder. Default: migrations/ next to the first config file.
  --name N                   words of the new file's name (0002_<N>.ts). Default: from the changes.
  --allow-drop               generate drops of columns and tables the models no longer have
  --baseline                 (migrate) record the migrations as applied after checking the tables
  -h, --help                 show this help
`;

export const ROUTES_HELP = `Usage: loom routes <config.yaml>...

Prints every route of the application as a table: method, path, use case, status; sorted by path,
then method. Compiles the declarations as serve does, without a database or a server.

Options:
  -h, --help                 show this help
`;

export const OPENAPI_HELP = `Usage: loom openapi [--out F] [--check] [--strict] <config.yaml>...

Prints the application's OpenAPI 3.1 document (the one served at app.rest.openapiPath), or writes it
to F. With --check nothing is written: exits 1 when F differs from the document (CI: "is the committed
file up to date?"). With --strict: exits 1, naming them, when routes declare no response schema.

Options:
  --out F                    write the document to F
  --check                    compare with F (requires --out) instead of writing
  --strict                   fail when a route's success body is undocumented (no \`response\`)
  -h, --help                 show this help
`;

export const NEW_HELP = `Usage: loom new <dir> [--name N] [--loom-spec S]

Creates a loom app in <dir> (which must not exist or be empty): a task model, commands, use cases
with rules, a job with callbacks, a REST interface, YAML config (SQLite file and in-process jobs;
DATABASE_URL and REDIS_URL switch to PostgreSQL and BullMQ) and tests with loom-kernel/testing run by
node --test. Then: cd <dir> && npm install && npm start; npm test.

Options:
  --name N                   the package name (default: from the folder name)
  --loom-spec S              what package.json depends on for loom-kernel: a version range, a tarball
                             or a folder (default: ^ this loom's version)
  -h, --help                 show this help
`;

export const DEV_HELP = `Usage: loom dev [entry]

Runs the app's entry file (default src/main.ts) with node --watch: a change under src/ or config/
restarts it. SIGTERM and SIGINT are passed to the app, so it shuts down gracefully.

Options:
  -h, --help                 show this help
`;
