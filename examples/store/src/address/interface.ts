import { restInterface, route } from 'loom-kernel';
import { ownsUserParam } from '../shared/access.ts';
import { Deleted } from '../shared/responses.ts';
import { Address } from './model.ts';
import {
  CreateAddressUseCase,
  DeleteAddressUseCase,
  GetAddressUseCase,
  ListAddressesUseCase,
  UpdateAddressUseCase,
} from './use-cases.ts';

export const AddressApi = restInterface(Address, {
  prefix: '/users/{userId}/addresses',
  tags: ['UserAddresses'],
  pagination: 'offset',
  // With auth on: a user reaches only their own addresses (403 for anyone else's user id, existing or not).
  guards: [ownsUserParam],
  routes: [
    route.post('/', CreateAddressUseCase, { status: 201, response: 'entity' }),
    route.get('/', ListAddressesUseCase, { response: 'page' }),
    route.get('/{addressId}', GetAddressUseCase, { response: 'entity' }),
    route.patch('/{addressId}', UpdateAddressUseCase, { response: 'entity' }),
    route.delete('/{addressId}', DeleteAddressUseCase, { response: Deleted }),
  ],
});
