import { autoCrud, restInterface, route } from 'loom-kernel';
import { OrderItem } from './model.ts';
import { CreateOrderItemUseCase, UpdateOrderItemUseCase } from './use-cases.ts';

export const OrderItemApi = restInterface(OrderItem, {
  prefix: '/order-items',
  tags: ['OrderItems'],
  pagination: 'offset',
  routes: [
    route.post('/', CreateOrderItemUseCase, { status: 201, response: 'entity' }),
    route.patch('/{id}', UpdateOrderItemUseCase, { response: 'entity' }),
    ...autoCrud(OrderItem, { include: ['get', 'list', 'delete'] }),
  ],
});
