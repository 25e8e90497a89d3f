import { and, command, exists, loadById, NotFound, patch, t, useCase, where, withDefault } from 'loom-kernel';
import { Address } from '../address/model.ts';
import { isAdmin, isUser } from '../shared/access.ts';
import { User } from '../user/model.ts';
import { ORDER_STATUSES, Order } from './model.ts';

const validStatus = (status: string) =>
  (ORDER_STATUSES as readonly string[]).includes(status) ||
  `status must be one of: ${ORDER_STATUSES.join(', ')}`;

export const CreateOrder = command(
  {
    userId: t.Integer(),
    addressId: t.Integer(),
    status: withDefault(t.String({ maxLength: 40 }), 'created'),
    paymentMethod: withDefault(t.String({ maxLength: 60 }), 'card'),
  },
  { name: 'CreateOrder' },
);

export const UpdateOrder = command(
  { status: patch(t.String({ maxLength: 40 })), paymentMethod: patch(t.String({ maxLength: 60 })) },
  { name: 'UpdateOrder' },
);

/** The user and the address must exist (404 before any rule); the status must be a known one. */
export const CreateOrderUseCase = useCase(Order, {
  name: 'CreateOrder',
  summary: 'Create an order',
  input: CreateOrder,
  load: {
    user: exists(User, { from: 'input.userId', against: 'id', onMissing: 'raise' }),
    address: exists(Address, { from: 'input.addressId', against: 'id', onMissing: 'raise' }),
  },
  // With auth on: a user orders for themselves (decided before the user and address are looked up).
  guards: ({ allowIf }) => [
    allowIf(({ identity, input }) => isUser(identity, input.userId), 'you may only order for yourself'),
  ],
  rules: ({ check }) => [check('status', validStatus)],
  execute: ({ input, repo }) => repo.create(input),
});

export const ListUserOrdersUseCase = useCase(Order, {
  name: 'ListUserOrders',
  summary: "List a user's orders",
  params: { userId: t.Integer() },
  query: true,
  readOnly: true,
  execute: ({ params, query, repo }) => {
    const scope = where('userId', 'eq', params.userId);
    return repo.list({ ...query, filter: query.filter ? and(scope, query.filter) : scope });
  },
});

export const UpdateOrderUseCase = useCase(Order, {
  name: 'UpdateOrder',
  summary: "Update an order's status or payment method",
  params: { id: t.Integer() },
  input: UpdateOrder,
  load: { order: loadById(Order, { by: 'id' }) },
  // With auth on: only the order's owner or an admin (a missing order answers a user the same 403 as
  // someone else's; an admin, who passes without reading it, gets the 404).
  guards: ({ allowIfLoaded }) => [
    allowIfLoaded(
      ({ identity, load }) => isAdmin(identity) || isUser(identity, load.order.userId),
      'not your order',
    ),
  ],
  rules: ({ check }) => [check('status', validStatus)],
  execute: async ({ params, input, repo }) => {
    const updated = await repo.update(params.id, input);
    if (!updated) throw new NotFound('Order', params.id);
    return updated;
  },
});
