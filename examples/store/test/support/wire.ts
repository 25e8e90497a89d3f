/** The store's JSON shapes as the tests read them (camelCase, as served). */

export interface User {
  readonly id: number;
  readonly fullName: string;
  readonly email: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Address {
  readonly id: number;
  readonly userId: number;
  readonly label: string;
  readonly street: string;
  readonly city: string;
  readonly country: string;
  readonly zipCode: string;
}

export interface Product {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  readonly stock: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Order {
  readonly id: number;
  readonly userId: number;
  readonly addressId: number;
  readonly status: string;
  readonly paymentMethod: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface OrderItem {
  readonly id: number;
  readonly orderId: number;
  readonly productId: number;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** Offset envelope. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly totalCount: number;
  readonly page: number;
  readonly limit: number;
  readonly hasNext: boolean;
}

/** Cursor envelope. */
export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  readonly hasNext: boolean;
}

/** RFC 9457 problem details, with loom's members. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly traceId: string;
  readonly instance?: string;
  readonly violations?: readonly { readonly field: string; readonly message: string }[];
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly entity?: string;
  readonly id?: unknown;
  readonly parameter?: string;
}

export interface DispatchReceipt {
  readonly jobId: string;
  readonly queue: string;
}

export interface WorkflowReceipt {
  readonly summary: string;
  readonly restockJobId: string;
  readonly queue: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TRACE_ID = /^[0-9a-f]{32}$/;
