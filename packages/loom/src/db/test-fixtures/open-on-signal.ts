/**
 * Opens a SQLite file with {@link openNodeSqlite} the moment stdin says "go", then creates a table in a
 * write transaction. Several of these started together play `loom serve --workers N` booting on one
 * fresh file. Prints "ready" once loaded, then "ok" or "error <message>".
 *
 * Usage: `node open-on-signal.ts <file>`
 */
import { openNodeSqlite } from '../node-sqlite-database.ts';

const [file] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: open-on-signal.ts <file>');
  process.exit(2);
}

process.stdin.once('data', () => {
  try {
    const db = openNodeSqlite(file);
    db.exec('begin immediate');
    db.exec('create table if not exists booted (pid integer)');
    db.prepare('insert into booted (pid) values (?)').run([process.pid]);
    db.exec('commit');
    db.close();
    process.stdout.write('ok\n');
  } catch (error) {
    process.stdout.write(`error ${(error as Error).message}\n`);
  }
  process.stdin.destroy();
});
process.stdout.write('ready\n');
