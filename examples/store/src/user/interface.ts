import { restInterface, route } from 'loom-kernel';
import { Deleted } from '../shared/responses.ts';
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
    route.post('/', CreateUserUseCase, { status: 201, response: 'entity' }),
    route.get('/', ListUsersUseCase, { response: 'page' }),
    route.get('/{userId}', GetUserUseCase, { response: 'entity' }),
    route.patch('/{userId}', UpdateUserUseCase, { response: 'entity' }),
    route.delete('/{userId}', DeleteUserUseCase, { response: Deleted }),
  ],
});
