import { column, command, model, patch, t } from '../support/internals.ts';

/** Authors and their books: the models the engine tests load, look up and write. */
export const Author = model('authors', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
  email: column.string(255).unique(),
  nickname: column.string(40).nullable(),
});

export const Book = model('books', {
  id: column.int().primaryKey().autoIncrement(),
  authorId: column.int().references(() => Author.id, { onDelete: 'cascade' }),
  title: column.string(120),
  isbn: column.string(20).unique(),
});

export const CATALOG = [Author, Book] as const;

export const CreateBook = command(
  { authorEmail: t.String(), title: t.String({ maxLength: 120 }), isbn: t.String({ maxLength: 20 }) },
  { name: 'CreateBook' },
);

export const RenameAuthor = command(
  { name: patch(t.String({ maxLength: 80 })), email: patch(t.String()) },
  { name: 'RenameAuthor' },
);
