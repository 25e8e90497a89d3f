import { type CreateInput, repositoryFor, SqlRepository } from 'loom-kernel';
import { Product } from './model.ts';

/** The product repository: names are stored trimmed, and products can be found by SKU. */
export class ProductRepository extends SqlRepository<typeof Product> {
  override create(data: CreateInput<typeof Product>) {
    return super.create({ ...data, name: data.name.trim() });
  }

  getBySku(sku: string) {
    return this.getBy('sku', sku);
  }
}

/**
 * Every use case of Product — auto-CRUD included — gets this repository. Its writes are one statement
 * each, like the SQL repository's (create only trims the name first), so auto-CRUD create, update and
 * delete send no BEGIN/COMMIT around their one statement (decision 0042).
 */
export const Products = repositoryFor(Product, ProductRepository, {
  singleStatement: ['create', 'update', 'delete'],
});
