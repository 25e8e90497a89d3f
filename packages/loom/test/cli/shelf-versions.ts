import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the model modules written to the temp folder import loom from. */
const LOOM = fileURLToPath(new URL('../support/internals.ts', import.meta.url));

const HEADER = `import { column, model } from ${JSON.stringify(LOOM)};\n`;

const SHELF = `export const Shelf = model('shelves', {
  id: column.int().primaryKey().autoIncrement(),
  label: column.string(40),
});\n`;

const SHELF_WITH_PARENT = `export const Shelf = model('shelves', {
  id: column.int().primaryKey().autoIncrement(),
  label: column.string(40),
  parentId: column.int().nullable().references(() => Shelf.id, { onDelete: 'set null' }),
});\n`;

const book = (extra: string, title = 'column.string(120)') => `export const Book = model('books', {
  id: column.int().primaryKey().autoIncrement(),
  shelfId: column.int().references(() => Shelf.id, { onDelete: 'cascade' }),
  title: ${title},
${extra}}, { timestamps: true });\n`;

const REVIEW = `export const Review = model('reviews', {
  id: column.int().primaryKey().autoIncrement(),
  bookId: column.int().references(() => Book.id, { onDelete: 'cascade' }),
  stars: column.int(),
});\n`;

const V2_BOOK_COLUMNS = `  pages: column.int().nullable(),
  format: column.string(20).default('paperback').index(),
  isbn: column.string(20).nullable().unique(),
`;

/**
 * Versions of a small model module, each a file of its own (ESM modules are cached by URL):
 * - v1: shelves, books;
 * - v2: + books.pages (nullable), books.format (default, indexed), books.isbn (nullable, unique),
 *   shelves.parentId (nullable self reference), + table reviews;
 * - v3: v2 + books.weight NOT NULL without a default (refused);
 * - v4: v2 without books.pages and without reviews (drops: need --allow-drop);
 * - v5: v4 with books.title widened to 200 (a changed column: refused).
 */
export const SHELF_VERSIONS = {
  v1: HEADER + SHELF + book(''),
  v2: HEADER + SHELF_WITH_PARENT + book(V2_BOOK_COLUMNS) + REVIEW,
  v3: HEADER + SHELF_WITH_PARENT + book(`${V2_BOOK_COLUMNS}  weight: column.float(),\n`) + REVIEW,
  v4: HEADER + SHELF_WITH_PARENT + book(V2_BOOK_COLUMNS.replace('  pages: column.int().nullable(),\n', '')),
  v5:
    HEADER +
    SHELF_WITH_PARENT +
    book(V2_BOOK_COLUMNS.replace('  pages: column.int().nullable(),\n', ''), 'column.string(200)'),
} as const;

export type ShelfVersion = keyof typeof SHELF_VERSIONS;

/**
 * Writes every version (`models-v1.ts`, …) and its config (`config-v1.yaml`, …) into `root`, plus a
 * package.json marking the folder as ESM (as a loom application is). Returns the config paths.
 */
export async function writeShelfApp(root: string): Promise<Record<ShelfVersion, string>> {
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  const configs = {} as Record<ShelfVersion, string>;
  for (const [version, source] of Object.entries(SHELF_VERSIONS) as [ShelfVersion, string][]) {
    await writeFile(join(root, `models-${version}.ts`), source);
    const config = join(root, `config-${version}.yaml`);
    await writeFile(
      config,
      `app:\n  name: shelf\n  discovery:\n    mode: modules\n    modules: [./models-${version}.ts]\ndatabase:\n  url: "sqlite:${join(root, 'shelf.db')}"\n`,
    );
    configs[version] = config;
  }
  return configs;
}

/** Copies the migrations folder as it is now (a stage of its history). */
export async function snapshotFolder(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true });
  return to;
}
