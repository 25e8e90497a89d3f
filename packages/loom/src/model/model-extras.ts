import type { FieldMeta } from './model.ts';
import { declaredProfiles, projectionOrder } from './profiles.ts';
import { isProjection, type ProjectionMap } from './projection.ts';
import { isRelation, type RelationMap } from './relation.ts';

/** The relation and projection metadata of a model, checked. */
export interface ModelExtras {
  readonly $relations: RelationMap;
  readonly $projections: ProjectionMap;
  readonly $projectionOrder: readonly string[];
  readonly $profiles: readonly string[];
}

/**
 * Checks a model's relations and projections against its own columns at declaration time: names that
 * collide with fields or each other, a `manyToOne` key that is not a column, a projection through an
 * unknown relation, an unknown or cyclic projection dependency. Relation targets are thunks and are
 * checked when first resolved (see `resolveRelation`).
 */
export function checkExtras(
  modelName: string,
  fields: readonly FieldMeta[],
  relations: RelationMap,
  projections: ProjectionMap,
): ModelExtras {
  const fail = (why: string): never => {
    throw new Error(`model ${modelName}: ${why}`);
  };
  const taken = new Set(fields.map((f) => f.name));
  const claim = (name: string, what: string) => {
    if (name.startsWith('$') || name === 'kind') fail(`${what} name "${name}" is reserved`);
    if (taken.has(name)) fail(`${what} "${name}" has the name of another field, relation or projection`);
    taken.add(name);
  };
  for (const [name, rel] of Object.entries(relations)) {
    claim(name, 'relation');
    if (!isRelation(rel))
      fail(`relation "${name}" must be built with relation.manyToOne/oneToMany/oneToOne/manyToMany`);
    if (rel.cardinality === 'manyToOne' && !fields.some((f) => f.name === rel.by)) {
      fail(`relation "${name}": "by" names "${rel.by}", which is not a column of this model`);
    }
  }
  for (const [name, p] of Object.entries(projections)) {
    claim(name, 'projection');
    if (!isProjection(p))
      fail(`projection "${name}" must be built with projection.count/exists/fields/custom`);
    if (p.loader !== 'custom' && !Object.hasOwn(relations, p.via)) {
      fail(
        `projection "${name}": no relation "${p.via}" (declared: ${Object.keys(relations).join(', ') || 'none'})`,
      );
    }
  }
  return {
    $relations: Object.freeze({ ...relations }),
    $projections: Object.freeze({ ...projections }),
    $projectionOrder: projectionOrder(modelName, projections),
    $profiles: declaredProfiles(relations, projections),
  };
}
