import { restInterface, route } from 'loom-kernel';
import { ownsUserParam } from '../shared/access.ts';
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
    route.post('/', CreateAddressUseCase, { status: 201 }),
    route.get('/', ListAddressesUseCase),
    route.get('/{addressId}', GetAddressUseCase),
    route.patch('/{addressId}', UpdateAddressUseCase),
    route.delete('/{addressId}', DeleteAddressUseCase),
  ],
});
