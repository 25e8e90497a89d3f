/**
 * Reads the TSDoc of the package's public surface (every declaration reachable from its entry points,
 * members included) with TypeDoc's converter: the `@example` code blocks to type-check, and which
 * top-level exports lack a summary or an example.
 */
import { join } from 'node:path';
import {
  Application,
  type Comment,
  type DeclarationReflection,
  LogLevel,
  type ProjectReflection,
  type Reflection,
  ReflectionKind,
  type SignatureReflection,
} from 'typedoc';
import { apiEntryPoints, type EntryPoint, packageRoot } from './api-entry-points.ts';

/** One fenced code block of an `@example` tag. */
export interface PublicExample {
  /** Where the commented declaration is: `src/model/model.ts:42`. */
  readonly origin: string;
  /** The declaration's qualified name (`Repository.update`). */
  readonly name: string;
  /** The entry point that exports it, e.g. `loom-kernel/app`. */
  readonly entry: string;
  /** The fence's language (`ts`, `yaml`, …). */
  readonly lang: string;
  readonly code: string;
}

/** A top-level public export and what its TSDoc has. */
export interface ExportDoc {
  readonly entry: string;
  readonly name: string;
  readonly kind: string;
  readonly origin: string;
  readonly hasSummary: boolean;
  readonly hasExample: boolean;
}

export interface PublicDocs {
  readonly examples: PublicExample[];
  readonly exports: ExportDoc[];
  /** Names every entry point exports, by specifier (for implicit imports in examples). */
  readonly exportedNames: ReadonlyMap<string, readonly string[]>;
}

export async function convertPublicApi(): Promise<{ project: ProjectReflection; entries: EntryPoint[] }> {
  const entries = apiEntryPoints();
  const app = await Application.bootstrap({
    entryPoints: entries.map((e) => e.source),
    tsconfig: join(packageRoot, 'tsconfig.build.json'),
    excludePrivate: true,
    excludeInternal: true,
    logLevel: LogLevel.Error,
  });
  const project = await app.convert();
  if (project === undefined) throw new Error('TypeDoc could not convert the package (see the errors above)');
  return { project, entries };
}

function commentsOf(r: Reflection): Comment[] {
  const out: Comment[] = [];
  if (r.comment !== undefined) out.push(r.comment);
  const d = r as DeclarationReflection;
  for (const s of [...(d.signatures ?? []), d.getSignature, d.setSignature] as (
    | SignatureReflection
    | undefined
  )[]) {
    if (s?.comment !== undefined) out.push(s.comment);
  }
  return out;
}

function originOf(r: Reflection): string {
  const d = r as DeclarationReflection;
  const source = d.sources?.[0] ?? d.signatures?.[0]?.sources?.[0];
  if (source === undefined) return r.getFullName();
  return `${source.fullFileName.slice(packageRoot.length + 1)}:${source.line}`;
}

const FENCE = /^```(\w*)[^\n]*\n([\s\S]*?)\n?```$/;

export async function readPublicDocs(): Promise<PublicDocs> {
  const { project, entries } = await convertPublicApi();
  const bySourcePath = new Map<string, string>();
  for (const module of project.children ?? []) {
    const source = module.sources?.[0]?.fullFileName;
    const entry =
      entries.find((e) => e.source === source) ??
      entries.find((e) => e.source.endsWith(`${module.name}/index.ts`));
    bySourcePath.set(module.name, entry?.specifier ?? module.name);
  }
  const examples: PublicExample[] = [];
  const exports: ExportDoc[] = [];
  const exportedNames = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const module of project.children ?? []) {
    const entry = bySourcePath.get(module.name) ?? module.name;
    exportedNames.set(
      entry,
      (module.children ?? []).map((c) => c.name),
    );
    for (const child of module.children ?? []) {
      const comments = commentsOf(child);
      exports.push({
        entry,
        name: child.name,
        kind: ReflectionKind.singularString(child.kind),
        origin: originOf(child),
        hasSummary: comments.some((c) => c.summary.some((p) => p.text.trim() !== '')),
        hasExample: comments.some((c) => c.blockTags.some((t) => t.tag === '@example')),
      });
    }
    const walk = (r: Reflection, depth: number): void => {
      for (const comment of commentsOf(r)) {
        for (const tag of comment.blockTags) {
          if (tag.tag !== '@example') continue;
          for (const part of tag.content) {
            const match = part.kind === 'code' ? FENCE.exec(part.text) : null;
            if (match === null) continue;
            const key = `${originOf(r)}\0${match[2]}`;
            if (seen.has(key)) continue; // a declaration re-exported by two entry points
            seen.add(key);
            examples.push({
              origin: originOf(r),
              name: r.getFullName(),
              entry,
              lang: match[1] ?? '',
              code: match[2] ?? '',
            });
          }
        }
      }
      if (depth < 3) for (const c of (r as DeclarationReflection).children ?? []) walk(c, depth + 1);
    };
    for (const child of module.children ?? []) walk(child, 0);
    if (module.comment !== undefined) walk(module, 3);
  }
  return { examples, exports, exportedNames };
}
