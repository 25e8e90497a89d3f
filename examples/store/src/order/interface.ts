import { autoCrud, guard, restInterface, route } from 'loom-kernel';
import { adminOnly, ownsUserParam } from '../shared/access.ts';
import { Order } from './model.ts';
import { CreateOrderUseCase, ListUserOrdersUseCase, UpdateOrderUseCase } from './use-cases.ts';

export const OrderApi = restInterface(Order, {
  prefix: '/orders',
  tags: ['Orders'],
  pagination: 'offset',
  // With auth on: a caller is required; users create and update their own orders (the use cases'
  // guards), reading and deleting any order by id is for administrators (users list theirs below).
  guards: [guard.requireAuth()],
  routes: [
    route.post('/', CreateOrderUseCase, { status: 201, response: 'entity' }),
    route.patch('/{id}', UpdateOrderUseCase, { response: 'entity' }),
    ...autoCrud(Order, {
      include: ['get', 'list', 'delete'],
      guards: { get: [adminOnly], list: [adminOnly], delete: [adminOnly] },
    }),
  ],
});

/** A user's own orders (with auth on: only that user, or an administrator). */
export const UserOrderApi = restInterface(Order, {
  prefix: '/users/{userId}/orders',
  tags: ['Orders'],
  pagination: 'offset',
  guards: [ownsUserParam],
  routes: [route.get('/', ListUserOrdersUseCase, { response: 'page' })],
});
