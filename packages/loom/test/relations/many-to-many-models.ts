import { type ColumnRef, column, model, projection, relation } from '../support/internals.ts';

/** A label an article may carry, through {@link ArticleLabel}. */
export const Label = model('m2m_labels', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(40).unique(),
  color: column.string(20).nullable(),
});

/**
 * One row per (article, label) pair. Its keys reference both sides, so the relation can tell `from`
 * and `to` from them. The link is declared before the article, which refers to it: its key back to the
 * article is annotated (an initializer cycle).
 */
export const ArticleLabel = model('m2m_article_labels', {
  id: column.int().primaryKey().autoIncrement(),
  articleId: column
    .int()
    .references((): ColumnRef => Article.id, { onDelete: 'cascade' })
    .index(),
  labelId: column
    .int()
    .references(() => Label.id, { onDelete: 'cascade' })
    .index(),
});

/**
 * Articles with labels (many-to-many, inferred link columns) and reviewers: users picked through the
 * same kind of link, declared with explicit `from` / `to`.
 * - `default`: columns + labelCount; `withLabels`: labels, labelCount, labelNames;
 * - `flags`: hasLabels only (the labels are not loaded: one batch query).
 */
export const Article = model(
  'm2m_articles',
  {
    id: column.int().primaryKey().autoIncrement(),
    title: column.string(120),
  },
  {
    relations: {
      labels: relation.manyToMany(() => Label, { through: () => ArticleLabel, profiles: ['withLabels'] }),
    },
    projections: {
      labelCount: projection.count('labels', { profiles: ['default', 'withLabels'] }),
      labelNames: projection.fields('labels', ['name'], { profiles: ['withLabels'] }),
      hasLabels: projection.exists('labels', { profiles: ['flags'] }),
    },
  },
);

/** A link with explicit columns: the relation names them instead of inferring them. */
export const Pairing = model('m2m_pairings', {
  id: column.int().primaryKey().autoIncrement(),
  leftId: column.int().references(() => Label.id, { onDelete: 'cascade' }),
  rightId: column.int().references(() => Label.id, { onDelete: 'cascade' }),
});

/** Labels related to labels (a self relation: the columns must be named). */
export const LabelWithFriends = model(
  'm2m_labels',
  {
    id: column.int().primaryKey().autoIncrement(),
    name: column.string(40).unique(),
    color: column.string(20).nullable(),
  },
  {
    name: 'LabelWithFriends',
    relations: {
      friends: relation.manyToMany(() => Label, {
        through: Pairing,
        from: 'leftId',
        to: 'rightId',
        profiles: ['friends'],
      }),
    },
  },
);

export const M2M_MODELS = [Label, Article, ArticleLabel, Pairing] as const;
