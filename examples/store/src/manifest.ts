/** Manifest discovery: every declaration of the store, listed once. Used by config/api-manifest.yaml. */
import { isUseCase } from 'loom-kernel';
import { AddressApi } from './address/interface.ts';
import { Address } from './address/model.ts';
import * as addressUseCases from './address/use-cases.ts';
import { OrderApi, UserOrderApi } from './order/interface.ts';
import { Order } from './order/model.ts';
import * as orderUseCases from './order/use-cases.ts';
import { OrderItemApi } from './order-item/interface.ts';
import { OrderItem } from './order-item/model.ts';
import * as orderItemUseCases from './order-item/use-cases.ts';
import { PricingApi } from './pricing/interface.ts';
import * as pricingUseCases from './pricing/use-cases.ts';
import { RestockEmailCallbacks } from './product/callbacks.ts';
import { ProductApi } from './product/interface.ts';
import { BuildProductSummary, SendRestockEmail, SyncProductToErp } from './product/jobs.ts';
import { Product } from './product/model.ts';
import { Products } from './product/repository.ts';
import * as productTagUseCases from './product/tag-use-cases.ts';
import * as productUseCases from './product/use-cases.ts';
import { TagApi } from './tag/interface.ts';
import { ProductTag, Tag } from './tag/model.ts';
import { UserApi } from './user/interface.ts';
import { User } from './user/model.ts';
import * as userUseCases from './user/use-cases.ts';

const useCasesOf = (mod: Record<string, unknown>) => Object.values(mod).filter(isUseCase);

export const MODELS = [User, Address, Product, Tag, ProductTag, Order, OrderItem];
export const USE_CASES = [
  ...useCasesOf(userUseCases),
  ...useCasesOf(addressUseCases),
  ...useCasesOf(productUseCases),
  ...useCasesOf(productTagUseCases),
  ...useCasesOf(orderUseCases),
  ...useCasesOf(orderItemUseCases),
  ...useCasesOf(pricingUseCases),
];
export const JOBS = [SendRestockEmail, BuildProductSummary, SyncProductToErp];
export const CALLBACKS = [RestockEmailCallbacks];
export const INTERFACES = [
  UserApi,
  AddressApi,
  ProductApi,
  TagApi,
  OrderApi,
  OrderItemApi,
  PricingApi,
  UserOrderApi,
];
export const REPOSITORIES = [Products];
