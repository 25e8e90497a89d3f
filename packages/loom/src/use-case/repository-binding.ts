import type { AppServices } from '../context/service-provider.ts';
import type { Database } from '../db/database.ts';
import type { AnyModel } from '../model/model.ts';
import type { ReadCache } from '../repository/read-cache.ts';
import type { Repository } from '../repository/repository.ts';
import type { RepositorySettings } from '../repository/sql-repository.ts';
import type { ContextConfig } from './services.ts';

/** A custom repository class: built like the SQL repository, from the model, database and settings. */
export type RepositoryClass<M extends AnyModel, R extends Repository<M>> = new (
  model: M,
  db: Database,
  settings: RepositorySettings,
) => R;

/** What a repository factory receives: the SQL repository's arguments plus the application's services. */
export interface RepositoryDeps<M extends AnyModel> {
  readonly model: M;
  readonly db: Database;
  readonly settings: RepositorySettings;
  /** The application's services (app-scoped ones: a repository lives as long as the process). */
  readonly services: AppServices;
  /** The resolved configuration, the application's own sections included. */
  readonly config: ContextConfig;
  /** The read cache for custom reads (`cache.read(key, { ttlSeconds }, load)`); loads directly when off. */
  readonly cache: ReadCache;
}

/** The repository writes an auto-CRUD plan goes through. */
export type RepositoryWriteMethod = 'create' | 'update' | 'delete';

/** Options of {@link repositoryFor}. */
export interface RepositoryBindingOptions {
  /**
   * The write methods that issue exactly one statement (and dispatch nothing), as the SQL repository's
   * do: auto-CRUD plans through them run without an explicit transaction (no BEGIN/COMMIT around one
   * statement). Unlisted methods are assumed to issue several, and their plans run in a transaction.
   * Declared, not detected: a method listed here that writes twice is no longer atomic. Decision 0042.
   */
  readonly singleStatement?: readonly RepositoryWriteMethod[];
}

/** A repository built by a factory (see {@link repositoryFor}). */
export interface RepositoryFactoryOptions<M extends AnyModel, R extends Repository<M>> {
  readonly create: (deps: RepositoryDeps<M>) => R;
  /**
   * Whether the model is a SQL table (default true). `false`: the repository keeps the data elsewhere
   * (a service, an API, memory), and loom neither creates nor migrates a table for it.
   */
  readonly table?: boolean;
}

/** Associates a custom repository with a model (see {@link repositoryFor}). */
export interface RepositoryBinding<M extends AnyModel = AnyModel, R extends Repository<M> = Repository<M>> {
  readonly kind: 'repositoryBinding';
  readonly model: M;
  /** The class or factory given: two bindings of one model are the same repository when it is. */
  readonly source: RepositoryClass<M, R> | ((deps: RepositoryDeps<M>) => R);
  /** False when the model has no SQL table behind it. */
  readonly table: boolean;
  /** Builds the repository (once per application). */
  create(deps: RepositoryDeps<M>): R;
  /** The write methods declared single-statement ({@link RepositoryBindingOptions.singleStatement}). */
  readonly singleStatement: readonly RepositoryWriteMethod[];
}

/**
 * Registers a custom repository for a model. Every use case of that model — auto-CRUD included — gets it
 * as `repo`; use cases declared on the binding get it typed with the added methods. Give a class
 * (built with the model, database and settings, like the SQL repository), or `{ create }`: a factory
 * that also receives the application's services, its configuration and the read cache, and may back
 * the model with something that is not a SQL table (`table: false`).
 *
 * @example
 * ```ts
 * class ProductRepository extends SqlRepository<typeof Product> {
 *   override create(data: CreateInput<typeof Product>) { return super.create({ ...data, name: data.name.trim() }); }
 * }
 * export const Products = repositoryFor(Product, ProductRepository);
 * // Its writes are one statement each, as the SQL repository's: auto-CRUD sends no BEGIN/COMMIT.
 * export const SingleStatementProducts = repositoryFor(Product, ProductRepository, {
 *   singleStatement: ['create', 'update', 'delete'],
 * });
 * export const GetBySku = useCase(Products, { ..., execute: ({ repo }) => repo.getBySku('x') });
 *
 * // With services and config, and a cached custom read:
 * export const Rates = repositoryFor(Rate, {
 *   create: ({ model, services, config, cache }) => new RateRepository(model, services.fx, config.fx, cache),
 *   table: false,
 * });
 * ```
 */
export function repositoryFor<M extends AnyModel, R extends Repository<M>>(
  model: M,
  repository: RepositoryClass<M, R> | RepositoryFactoryOptions<M, R>,
  options: RepositoryBindingOptions = {},
): RepositoryBinding<M, R> {
  const singleStatement = Object.freeze([...(options.singleStatement ?? [])]);
  if (typeof repository === 'function') {
    return Object.freeze({
      kind: 'repositoryBinding',
      model,
      source: repository,
      table: true,
      create: (deps: RepositoryDeps<M>) => new repository(deps.model, deps.db, deps.settings),
      singleStatement,
    });
  }
  return Object.freeze({
    kind: 'repositoryBinding',
    model,
    source: repository.create,
    table: repository.table !== false,
    create: repository.create,
    singleStatement,
  });
}

export function isRepositoryBinding(value: unknown): value is AnyRepositoryBinding {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'repositoryBinding'
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the widest binding type, used only as a constraint.
export type AnyRepositoryBinding = RepositoryBinding<any, any>;
