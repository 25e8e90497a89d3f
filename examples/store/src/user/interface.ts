import { restInterface, route } from 'loom-kernel';
import { User } from './model.ts';
import {
  CreateUserUseCase,
  DeleteUserUseCase,
  GetUserUseCase,
  ListUsersUseCase,
  UpdateUserUseCase,
} from './use-cases.ts';

export const UserApi = restInterface(User, {
  prefix: '/users',
  tags: ['Users'],
  pagination: 'offset',
  routes: [
    route.post('/', CreateUserUseCase, { status: 201 }),
    route.get('/', ListUsersUseCase),
    route.get('/{userId}', GetUserUseCase),
    route.patch('/{userId}', UpdateUserUseCase),
    route.delete('/{userId}', DeleteUserUseCase),
  ],
});
