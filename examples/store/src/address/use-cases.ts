import { and, command, loadById, NotFound, patch, t, useCase, where } from 'loom-kernel';
import { User } from '../user/model.ts';
import { Address } from './model.ts';

export const CreateAddress = command(
  {
    label: t.String({ maxLength: 80 }),
    street: t.String({ maxLength: 255 }),
    city: t.String({ maxLength: 120 }),
    country: t.String({ maxLength: 120 }),
    zipCode: t.String({ maxLength: 20 }),
  },
  { name: 'CreateAddress' },
);

export const UpdateAddress = command(
  {
    label: patch(t.String({ maxLength: 80 })),
    street: patch(t.String({ maxLength: 255 })),
    city: patch(t.String({ maxLength: 120 })),
    country: patch(t.String({ maxLength: 120 })),
    zipCode: patch(t.String({ maxLength: 20 })),
  },
  { name: 'UpdateAddress' },
);

const owned = { userId: t.Integer(), addressId: t.Integer() };

/** The address, if it belongs to the user; otherwise 404 (another user's address does not exist for you). */
async function ownedAddress(
  repo: { getById(id: unknown): Promise<Address | null> },
  userId: number,
  addressId: number,
): Promise<Address> {
  const address = await repo.getById(addressId);
  if (!address || address.userId !== userId) throw new NotFound('Address', addressId);
  return address;
}

export const CreateAddressUseCase = useCase(Address, {
  name: 'CreateAddress',
  summary: "Add an address to a user's address book",
  params: { userId: t.Integer() },
  input: CreateAddress,
  load: { user: loadById(User, { by: 'userId' }) },
  execute: ({ params, input, repo }) => repo.create({ ...input, userId: params.userId }),
});

/** Only the user's addresses, whatever filters the client sends: the scope is AND-ed in. */
export const ListAddressesUseCase = useCase(Address, {
  name: 'ListAddresses',
  summary: "List a user's addresses",
  params: { userId: t.Integer() },
  query: true,
  readOnly: true,
  execute: ({ params, query, repo }) => {
    const scope = where('userId', 'eq', params.userId);
    return repo.list({ ...query, filter: query.filter ? and(scope, query.filter) : scope });
  },
});

export const GetAddressUseCase = useCase(Address, {
  name: 'GetAddress',
  summary: 'Get one of the user’s addresses',
  params: owned,
  readOnly: true,
  execute: ({ params, repo }) => ownedAddress(repo, params.userId, params.addressId),
});

export const UpdateAddressUseCase = useCase(Address, {
  name: 'UpdateAddress',
  summary: 'Update one of the user’s addresses',
  params: owned,
  input: UpdateAddress,
  execute: async ({ params, input, repo }) => {
    await ownedAddress(repo, params.userId, params.addressId);
    const updated = await repo.update(params.addressId, input);
    if (!updated) throw new NotFound('Address', params.addressId);
    return updated;
  },
});

export const DeleteAddressUseCase = useCase(Address, {
  name: 'DeleteAddress',
  summary: 'Delete one of the user’s addresses',
  params: owned,
  execute: async ({ params, repo }) => {
    await ownedAddress(repo, params.userId, params.addressId);
    return repo.delete(params.addressId);
  },
});
