import type { Reply, StoreClient } from './http-client.ts';
import type { Suite } from './suite-context.ts';
import type { Address, Order, OrderItem, Product, User } from './wire.ts';

function created<T>(reply: Reply<T>, what: string): T {
  if (reply.status !== 201)
    throw new Error(`creating ${what}: expected 201, got ${reply.status}: ${reply.text}`);
  return reply.body;
}

/** The store's records, created through the API the way a client would (snake_case bodies, as dummy-loom's tests send). */
export class Fixtures {
  readonly #suite: Suite;

  constructor(suite: Suite) {
    this.#suite = suite;
  }

  get #api(): StoreClient {
    return this.#suite.api;
  }

  async user(fullName = 'Ana Demo', email = `${this.#suite.unique('user')}@example.com`): Promise<User> {
    return created(await this.#api.post<User>('/users/', { full_name: fullName, email }), 'a user');
  }

  async address(userId: number, city = 'Madrid'): Promise<Address> {
    const body = { label: 'home', street: 'Main 1', city, country: 'ES', zip_code: '28001' };
    return created(await this.#api.post<Address>(`/users/${userId}/addresses/`, body), 'an address');
  }

  async product(fields: {
    stock: number;
    category?: string;
    priceCents?: number;
    name?: string;
  }): Promise<Product> {
    const body = {
      sku: this.#suite.unique('SKU'),
      name: fields.name ?? 'Cable',
      category: fields.category ?? this.#suite.unique('cat'),
      price_cents: fields.priceCents ?? 1299,
      stock: fields.stock,
    };
    return created(await this.#api.post<Product>('/products/', body), 'a product');
  }

  async order(userId: number, addressId: number): Promise<Order> {
    return created(
      await this.#api.post<Order>('/orders/', { user_id: userId, address_id: addressId }),
      'an order',
    );
  }

  async orderItem(orderId: number, productId: number, quantity = 1): Promise<OrderItem> {
    const body = { order_id: orderId, product_id: productId, quantity, unit_price_cents: 500 };
    return created(await this.#api.post<OrderItem>('/order-items/', body), 'an order item');
  }

  /** A user with an address and an order there. */
  async orderWithOwner(): Promise<{ user: User; address: Address; order: Order }> {
    const user = await this.user();
    const address = await this.address(user.id);
    return { user, address, order: await this.order(user.id, address.id) };
  }
}
