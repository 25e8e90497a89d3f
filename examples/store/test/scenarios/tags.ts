import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectInvalidBody, expectNotFound, expectProblem } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { CursorPage, Product } from '../support/wire.ts';

interface Tag {
  readonly id: number;
  readonly name: string;
}
type TaggedProduct = Product & { readonly tags: Tag[] };

interface OpenApiSchema {
  readonly properties?: Record<string, { type?: string; items?: { $ref?: string; title?: string } }>;
}

/** Product tags: a many-to-many relation through the product_tags link (issue 18, point 5). */
export function tagScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);
  const tag = async (name: string): Promise<Tag> => {
    const res = await suite.api.post<Tag>('/tags', { name: suite.unique(name) });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  describe('product tags', () => {
    it('PUT / POST / DELETE /products/{id}/tags maintain the tags and answer the product with them', async () => {
      const [sale, new_, gift] = [await tag('sale'), await tag('new'), await tag('gift')];
      const product = await fx.product({ stock: 4 });
      const set = await suite.api.put<TaggedProduct>(`/products/${product.id}/tags`, {
        tag_ids: [gift.id, sale.id, sale.id],
      });
      expect(set.status, set.text).toBe(200);
      expect(set.body.tags.map((t) => t.id)).toEqual([sale.id, gift.id]);
      const added = await suite.api.post<TaggedProduct>(`/products/${product.id}/tags`, {
        tagIds: [new_.id, sale.id],
      });
      expect(added.body.tags.map((t) => t.name)).toEqual([sale.name, new_.name, gift.name]);
      const removed = await suite.api.delete<TaggedProduct>(`/products/${product.id}/tags/${sale.id}`);
      expect(removed.status).toBe(200);
      expect(removed.body.tags.map((t) => t.id)).toEqual([new_.id, gift.id]);
      // The product read with ?profile=with_tags; without it, no tags.
      const read = await suite.api.get<TaggedProduct>(`/products/${product.id}?profile=with_tags`);
      expect(read.body.tags).toEqual([new_, gift]);
      expect((await suite.api.get<Product>(`/products/${product.id}`)).body).not.toHaveProperty('tags');
      const cleared = await suite.api.put<TaggedProduct>(`/products/${product.id}/tags`, { tagIds: [] });
      expect(cleared.body.tags).toEqual([]);
    });

    it('an unknown product or tag → 404 and nothing changes; a bad body → 422', async () => {
      const sale = await tag('sale');
      const product = await fx.product({ stock: 4 });
      await suite.api.put(`/products/${product.id}/tags`, { tagIds: [sale.id] });
      expectNotFound(await suite.api.put('/products/999999/tags', { tagIds: [sale.id] }), 'Product', 999999);
      const missing = await suite.api.post(`/products/${product.id}/tags`, { tagIds: [999999] });
      expectNotFound(missing, 'Tag', 999999);
      // PUT fails after the old tags were removed in its transaction: rolled back, the tags stay.
      expectNotFound(
        await suite.api.put(`/products/${product.id}/tags`, { tagIds: [999999] }),
        'Tag',
        999999,
      );
      const read = await suite.api.get<TaggedProduct>(`/products/${product.id}?profile=with_tags`);
      expect(read.body.tags.map((t) => t.id)).toEqual([sale.id]);
      expectInvalidBody(await suite.api.post(`/products/${product.id}/tags`, { tagIds: ['x'] }), 'tagIds/0');
    });

    it('lists filter by tag (tags__name=…, tags__exists=…) and read the tags of a whole page', async () => {
      const category = suite.unique('tagged');
      const [red, blue] = [await tag('red'), await tag('blue')];
      const products: Product[] = [];
      for (let i = 0; i < 5; i++) products.push(await fx.product({ stock: i, category }));
      const [p0, p1, p2] = products as [Product, Product, Product];
      await suite.api.put(`/products/${p0.id}/tags`, { tagIds: [red.id] });
      await suite.api.put(`/products/${p1.id}/tags`, { tagIds: [red.id, blue.id] });
      await suite.api.put(`/products/${p2.id}/tags`, { tagIds: [blue.id] });
      const ids = async (query: string) =>
        (
          await suite.api.get<CursorPage<TaggedProduct>>(`/products?category=${category}&${query}`)
        ).body.items.map((p) => p.id);
      expect(await ids(`tags__name=${red.name}`)).toEqual([p0.id, p1.id]);
      expect(await ids(`tags__name__in=${red.name},${blue.name}`)).toEqual([p0.id, p1.id, p2.id]);
      expect(await ids('tags__exists=false')).toEqual(products.slice(3).map((p) => p.id));
      const page = await suite.api.get<CursorPage<TaggedProduct>>(
        `/products?category=${category}&profile=with_tags&limit=10`,
      );
      expect(page.body.items.map((p) => p.tags.map((t) => t.id))).toEqual([
        [red.id],
        [red.id, blue.id],
        [blue.id],
        [],
        [],
      ]);
      // A misspelled relation field is a 400 naming it, not an unfiltered list.
      const bad = expectProblem(
        await suite.api.get(`/products?category=${category}&tags__nmae=x`),
        400,
        'LOOM_INVALID_QUERY',
      );
      expect(bad.parameter).toBe('tags__nmae');
    });

    it('deleting a tag unlinks it from its products', async () => {
      const gone = await tag('gone');
      const product = await fx.product({ stock: 1 });
      await suite.api.put(`/products/${product.id}/tags`, { tagIds: [gone.id] });
      expect((await suite.api.delete(`/tags/${gone.id}`)).status).toBe(200);
      const read = await suite.api.get<TaggedProduct>(`/products/${product.id}?profile=with_tags`);
      expect(read.body.tags).toEqual([]);
    });

    it('OpenAPI: the with_tags profile schema carries the tags array', async () => {
      const doc = await suite.api.get<{ components: { schemas: Record<string, OpenApiSchema> } }>(
        '/openapi.json',
      );
      const schema = doc.body.components.schemas.ProductWithTags;
      expect(schema?.properties?.tags?.type).toBe('array');
      expect(JSON.stringify(schema?.properties?.tags?.items)).toMatch(/Tag/);
      expect(doc.body.components.schemas.Product?.properties).not.toHaveProperty('tags');
    });
  });
}
