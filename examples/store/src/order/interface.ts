import { autoCrud, restInterface, route } from 'loom-kernel';
import { Order } from './model.ts';
import { CreateOrderUseCase, UpdateOrderUseCase } from './use-cases.ts';

export const OrderApi = restInterface(Order, {
  prefix: '/orders',
  tags: ['Orders'],
  pagination: 'offset',
  routes: [
    route.post('/', CreateOrderUseCase, { status: 201 }),
    route.patch('/{orderId}', UpdateOrderUseCase),
    ...autoCrud(Order, { include: ['get', 'list', 'delete'] }),
  ],
});
