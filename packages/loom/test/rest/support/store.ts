import {
  and,
  autoCrud,
  type ColumnRef,
  Conflict,
  column,
  command,
  exists,
  Forbidden,
  loadById,
  model,
  NotFound,
  projection,
  relation,
  restInterface,
  route,
  t,
  useCase,
  where,
} from '../../support/internals.ts';

/** A small store: users with addresses, products. Every route kind of the REST layer appears once. */
export const User = model(
  'users',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique(),
    nickname: column.string(40).nullable(),
    zipCode: column.string(10).default(''),
  },
  {
    timestamps: true,
    relations: { addresses: relation.oneToMany(() => Address, { by: 'userId', profiles: ['withDetails'] }) },
    projections: { addressCount: projection.count('addresses', { profiles: ['withDetails'] }) },
  },
);

export const Address = model('addresses', {
  id: column.int().primaryKey().autoIncrement(),
  userId: column.int().references((): ColumnRef => User.id, { onDelete: 'cascade' }),
  street: column.string(120),
  city: column.string(60),
});

export const Product = model('products', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
  sku: column.string(32).unique(),
  category: column.string(40).nullable(),
  price: column.float(),
  stock: column.int(),
  active: column.boolean().default(true),
  launchedAt: column.datetime().nullable(),
  notes: column.text().nullable().notFilterable(),
});

export const MODELS = [User, Address, Product] as const;

const notBlank = (v: string) => v.trim() !== '' || 'must not be blank';

export const CreateUser = command(
  {
    fullName: t.String({ maxLength: 120 }),
    email: t.String({ maxLength: 255 }),
    nickname: t.Optional(t.String()),
  },
  { name: 'CreateUser' },
);

export const CreateUserUseCase = useCase(User, {
  name: 'createUser',
  summary: 'Register a user',
  input: CreateUser,
  load: { emailTaken: exists(User, { from: 'input.email', against: 'email' }) },
  rules: ({ check, forbid }) => [
    check('fullName', notBlank),
    check('email', (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) || 'invalid email'),
    forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' }),
  ],
  execute: ({ input, repo }) => repo.create(input),
});

export const ListUserAddresses = useCase(Address, {
  name: 'listUserAddresses',
  params: { userId: t.Integer() },
  query: true,
  readOnly: true,
  load: { user: loadById(User, { by: 'userId' }) },
  // The scope is AND-ed with the client's filters: a client filter can only narrow it.
  execute: ({ params, query, repo }) => {
    const scope = where('userId', 'eq', params.userId);
    return repo.list({ ...query, filter: query.filter ? and(scope, query.filter) : scope });
  },
});

export const CreateAddress = useCase(Address, {
  name: 'createAddress',
  params: { userId: t.Integer() },
  input: command(
    { street: t.String({ minLength: 1 }), city: t.String({ minLength: 1 }) },
    { name: 'CreateAddress' },
  ),
  load: { user: loadById(User, { by: 'userId' }) },
  execute: ({ params, input, repo }) =>
    repo.create({ street: input.street, city: input.city, userId: params.userId }),
});

export const ListLowStock = useCase(Product, {
  name: 'listLowStockProducts',
  params: { threshold: t.Integer({ minimum: 0 }) },
  readOnly: true,
  execute: async ({ params, repo }) => {
    const page = await repo.list({
      filter: where('stock', 'lte', params.threshold),
      sort: [{ field: 'stock', direction: 'asc' }],
      pagination: { mode: 'offset', page: 1, limit: 100 },
    });
    return page.items.map((p) => ({ id: p.id, sku: p.sku, stock: p.stock }));
  },
});

export const ListProductsFixed = useCase(Product, {
  name: 'listProductsOffsetOnly',
  query: true,
  readOnly: true,
  execute: ({ query, repo }) => repo.list(query),
});

export const FindProduct = useCase(Product, {
  name: 'findProduct',
  params: { id: t.Integer() },
  readOnly: true,
  execute: ({ params, repo }) => repo.getById(params.id),
});

/** Reads a user in the profile the client asked for (`?profile=with_details`). */
export const GetUserCard = useCase(User, {
  name: 'getUserCard',
  params: { id: t.Integer(), profile: t.String() },
  readOnly: true,
  execute: async ({ params, repo }) => {
    const user = await repo.getById(params.id, { profile: params.profile });
    if (user === null) throw new NotFound('User', params.id);
    return user;
  },
});

export const ProductStats = useCase(Product, {
  name: 'productStats',
  readOnly: true,
  execute: async ({ repo }) => ({
    count: await repo.count(),
    generatedAt: new Date('2026-01-02T03:04:05.000Z'),
    note: null,
  }),
});

export const RestockResult = t.Object(
  { id: t.Integer(), stock: t.Integer(), restockedAt: t.String({ format: 'date-time' }) },
  { title: 'RestockResult' },
);

export const RestockProduct = useCase(Product, {
  name: 'restockProduct',
  params: { id: t.Integer() },
  input: command({ quantity: t.Integer({ minimum: 1 }) }, { name: 'Restock' }),
  load: { product: loadById(Product, { by: 'id' }) },
  execute: async ({ params, input, load, repo }) => {
    const updated = await repo.update(params.id, { stock: load.product.stock + input.quantity });
    return {
      id: params.id,
      stock: updated?.stock ?? 0,
      restockedAt: new Date('2026-01-02T03:04:05.000Z'),
      extra: 'kept',
    };
  },
});

export const RaiseError = useCase(null, {
  name: 'raiseError',
  params: { kind: t.String() },
  execute: ({ params }): { ok: true } => {
    if (params.kind === 'not-found') throw new NotFound('Widget', 42);
    if (params.kind === 'conflict') throw new Conflict('uq_widgets_name', 'unique', 'widgets');
    if (params.kind === 'forbidden') throw new Forbidden('only the owner may do this');
    if (params.kind === 'boom') throw new Error('database password is hunter2');
    return { ok: true };
  },
});

export const Ping = useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) });

/** Reports what the executor set up for the call: a transaction or not, and the call's trace id. */
export const CallProbe = useCase(null, {
  name: 'callProbe',
  execute: ({ db, traceId }) => ({ inTransaction: db.inTransaction(), traceId: traceId ?? null }),
});

export const UserApi = restInterface(User, {
  prefix: '/users',
  tags: ['Users'],
  routes: [
    route.post('/', CreateUserUseCase, { status: 201 }),
    route.get('/{id}/card', GetUserCard, { profiles: ['with_details'], response: 'entity' }),
    ...autoCrud(User, { include: ['get', 'list', 'update', 'delete'] }),
  ],
});

export const AddressApi = restInterface(Address, {
  prefix: '/users/{userId}/addresses',
  tags: ['Addresses'],
  routes: [route.get('/', ListUserAddresses), route.post('/', CreateAddress, { status: 201 })],
});

export const ProductApi = restInterface(Product, {
  prefix: '/products',
  tags: ['Products'],
  pagination: 'cursor',
  routes: [
    route.get('/low-stock', ListLowStock, { summary: 'List low stock products' }),
    route.get('/offset-only', ListProductsFixed, {
      pagination: 'offset',
      allowPaginationOverride: false,
      response: 'page',
    }),
    route.get('/stats', ProductStats),
    route.get('/{id}/maybe', FindProduct),
    route.post('/{id}/restock', RestockProduct, { status: 202, response: RestockResult }),
    ...autoCrud(Product),
  ],
});

export const MiscApi = restInterface(null, {
  prefix: '/',
  tags: ['Misc'],
  routes: [
    route.get('/ping', Ping),
    route.post('/errors/{kind}', RaiseError),
    route.get('/probe', CallProbe),
    route.post('/probe', CallProbe),
  ],
});

export const INTERFACES = [UserApi, AddressApi, ProductApi, MiscApi] as const;
