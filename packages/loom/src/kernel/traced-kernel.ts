import { givenOrAmbient } from '../context/call-context.ts';
import type { AnyModel } from '../model/model.ts';
import { tracedRepository } from '../observability/traced-repository.ts';
import { inSpan, tracingEnabled } from '../observability/tracing.ts';
import type { Repository } from '../repository/repository.ts';
import type { CallArgs } from '../use-case/executor.ts';
import type { AnyUseCase } from '../use-case/use-case.ts';
import { Kernel } from './kernel.ts';

/**
 * The kernel of an assembled application, with OpenTelemetry spans: every use-case call (HTTP route,
 * job, nested `invoke`) runs in a span `use_case <Name>`, and every repository call from a use case in a
 * span `repository <Model>.<method>` under it. With no tracer provider registered it behaves exactly as
 * {@link Kernel}, plus one check per call; repositories are wrapped only when a provider was registered
 * before the kernel was built (register the OpenTelemetry SDK first, as with any instrumentation).
 *
 * @example
 * ```ts
 * const kernel = new TracedKernel({ db, cursorSecret });
 * await kernel.invoke(CreateUser, { payload }); // span "use_case CreateUser" when tracing is on
 * ```
 */
export class TracedKernel extends Kernel {
  readonly #traced = new Map<AnyModel, Repository<AnyModel>>();
  readonly #wrapRepositories = tracingEnabled();

  override call(useCase: AnyUseCase, args: CallArgs): Promise<unknown> {
    if (!tracingEnabled()) return super.call(useCase, args);
    const name = this.plan(useCase).name;
    const traceId = givenOrAmbient(args.context)?.traceId;
    const attributes = {
      'loom.use_case': name,
      ...(traceId === undefined ? {} : { 'loom.trace_id': traceId }),
    };
    return inSpan(`use_case ${name}`, { attributes }, () => super.call(useCase, args));
  }

  /** With tracing on, the call goes through {@link TracedKernel.call} (its span); otherwise as the kernel's. */
  override callNow(useCase: AnyUseCase, args: CallArgs): unknown {
    return tracingEnabled() ? this.call(useCase, args) : super.callNow(useCase, args);
  }

  override repository(model: AnyModel): Repository<AnyModel> {
    if (!this.#wrapRepositories) return super.repository(model);
    let repo = this.#traced.get(model);
    if (!repo) {
      repo = tracedRepository(super.repository(model), model.$name);
      this.#traced.set(model, repo);
    }
    return repo;
  }
}
