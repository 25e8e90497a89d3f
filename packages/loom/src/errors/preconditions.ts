import { LoomError } from './loom-error.ts';

/**
 * A write was conditioned on a version of the entity (`expectedVersion`, HTTP `If-Match`) and the
 * stored row has moved on: someone else wrote it first. Re-read it, and retry if the change still
 * applies. → 412
 *
 * @example
 * ```ts
 * throw new PreconditionFailed('Product', 7, 'expected version 3, found 4', 4);
 * ```
 */
export class PreconditionFailed extends LoomError {
  readonly code = 'LOOM_PRECONDITION_FAILED';
  readonly status = 412;
  readonly title = 'Precondition Failed';
  readonly entity: string;
  readonly id: unknown;
  /** The stored version, when the row was read after the write was refused. */
  readonly currentVersion: number | undefined;
  constructor(entity: string, id: unknown, detail?: string, currentVersion?: number) {
    super(detail ?? `${entity} ${String(id)} has changed since the version the write was based on`);
    this.entity = entity;
    this.id = id;
    this.currentVersion = currentVersion;
  }
  override problemExtensions(): Record<string, unknown> {
    return { entity: this.entity, id: this.id };
  }
}

/**
 * The route requires a conditional write (`autoCrud(Model, { ifMatch: 'required' })`) and the request
 * has no `If-Match` header: read the entity first and send its `ETag`. → 428
 *
 * @example
 * ```ts
 * throw new PreconditionRequired('PATCH /products/7 requires an If-Match header (the ETag of a GET)');
 * ```
 */
export class PreconditionRequired extends LoomError {
  readonly code = 'LOOM_PRECONDITION_REQUIRED';
  readonly status = 428;
  readonly title = 'Precondition Required';
}
