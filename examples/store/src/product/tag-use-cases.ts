import { command, loadById, t, useCase } from 'loom-kernel';
import { Products } from './repository.ts';

/** The tags to set on, or add to, a product, by id. */
export const ProductTagIds = command(
  { tagIds: t.Array(t.Integer({ minimum: 1 }), { maxItems: 100 }) },
  { name: 'ProductTagIds' },
);

const productLoad = { product: loadById(Products.model, { by: 'productId' }) };

/** PUT /products/{productId}/tags: the product's tags become exactly `tagIds`; the product with its tags. */
export const SetProductTags = useCase(Products, {
  name: 'SetProductTags',
  summary: "Replace a product's tags",
  params: { productId: t.Integer() },
  input: ProductTagIds,
  load: productLoad,
  execute: async ({ params, input, repo }) => {
    await repo.links('tags').set(params.productId, input.tagIds);
    return repo.getById(params.productId, { profile: 'withTags' });
  },
});

/** POST /products/{productId}/tags: adds the tags not there yet; the product with its tags. */
export const AddProductTags = useCase(Products, {
  name: 'AddProductTags',
  summary: 'Tag a product',
  params: { productId: t.Integer() },
  input: ProductTagIds,
  load: productLoad,
  execute: async ({ params, input, repo }) => {
    await repo.links('tags').add(params.productId, input.tagIds);
    return repo.getById(params.productId, { profile: 'withTags' });
  },
});

/** DELETE /products/{productId}/tags/{tagId}: removes one tag; the product with its tags. */
export const RemoveProductTag = useCase(Products, {
  name: 'RemoveProductTag',
  summary: 'Untag a product',
  params: { productId: t.Integer(), tagId: t.Integer() },
  load: productLoad,
  execute: async ({ params, repo }) => {
    await repo.links('tags').remove(params.productId, [params.tagId]);
    return repo.getById(params.productId, { profile: 'withTags' });
  },
});
