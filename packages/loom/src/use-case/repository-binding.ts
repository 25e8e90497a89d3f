import type { Database } from '../db/database.ts';
import type { AnyModel } from '../model/model.ts';
import type { Repository } from '../repository/repository.ts';
import type { RepositorySettings } from '../repository/sql-repository.ts';

/** A custom repository class: built like the SQL repository, from the model, database and settings. */
export type RepositoryClass<M extends AnyModel, R extends Repository<M>> = new (
  model: M,
  db: Database,
  settings: RepositorySettings,
) => R;

/** Associates a custom repository with a model (see {@link repositoryFor}). */
export interface RepositoryBinding<M extends AnyModel = AnyModel, R extends Repository<M> = Repository<M>> {
  readonly kind: 'repositoryBinding';
  readonly model: M;
  readonly repositoryClass: RepositoryClass<M, R>;
}

/**
 * Registers a custom repository for a model. Every use case of that model — auto-CRUD included — gets it
 * as `repo`; use cases declared on the binding get it typed with the added methods.
 *
 * @example
 * ```ts
 * class ProductRepository extends SqlRepository<typeof Product> {
 *   override create(data: CreateInput<typeof Product>) { return super.create({ ...data, name: data.name.trim() }); }
 * }
 * export const Products = repositoryFor(Product, ProductRepository);
 * export const GetBySku = useCase(Products, { ..., execute: ({ repo }) => repo.getBySku('x') });
 * ```
 */
export function repositoryFor<M extends AnyModel, R extends Repository<M>>(
  model: M,
  repositoryClass: RepositoryClass<M, R>,
): RepositoryBinding<M, R> {
  return Object.freeze({ kind: 'repositoryBinding', model, repositoryClass });
}

export function isRepositoryBinding(value: unknown): value is AnyRepositoryBinding {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'repositoryBinding'
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the widest binding type, used only as a constraint.
export type AnyRepositoryBinding = RepositoryBinding<any, any>;
