import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { ConfigError } from '../errors/index.ts';
import { type LoomConfig, LoomConfigSchema } from './config-schema.ts';

/**
 * An application's own configuration sections, as `ctx.config` and providers see them. Empty here: an
 * application declares its sections' types once by augmenting this interface, usually from the same
 * TypeBox schemas it passes to `createApp({ configSections })` (docs/services-and-config.md).
 *
 * @example
 * ```ts
 * export const AppConfig = defineConfigSections({ mailer: t.Object({ from: t.String() }) });
 * declare module 'loom-kernel' {
 *   interface AppConfigSections extends ConfigSectionsOf<typeof AppConfig> {}
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by module augmentation.
export interface AppConfigSections {}

/** An application's section schemas: top-level key → TypeBox schema. */
export type ConfigSectionSchemas = Readonly<Record<string, TSchema>>;

/** The resolved values of section schemas. */
export type ConfigSectionsOf<S extends ConfigSectionSchemas> = { readonly [K in keyof S]: Static<S[K]> };

/** A resolved configuration with the given app sections (plain {@link LoomConfig} without any). */
export type ConfigWithSections<S extends ConfigSectionSchemas> = {} extends S
  ? LoomConfig
  : LoomConfig & ConfigSectionsOf<S>;

/**
 * Declares an application's own top-level configuration sections. Each section is validated at boot like
 * loom's own (unknown keys are errors naming the key, strings converted where numbers or booleans are
 * expected, `${env:…}` resolved, defaults applied); objects without an explicit `additionalProperties`
 * are closed.
 *
 * @example
 * ```ts
 * export const AppConfig = defineConfigSections({
 *   mailer: t.Object({ from: t.String(), host: t.String({ default: 'localhost' }) }),
 * });
 * const app = await createApp({ config: ['config/api.yaml'], configSections: AppConfig });
 * ```
 */
export function defineConfigSections<const S extends ConfigSectionSchemas>(sections: S): S {
  for (const name of Object.keys(sections)) {
    if (Object.hasOwn(LoomConfigSchema.properties, name)) {
      throw new ConfigError(
        `config section "${name}" is loom's own: choose another name for the app's section`,
      );
    }
  }
  return Object.freeze({ ...sections });
}

const extended = new WeakMap<ConfigSectionSchemas, TObject>();

/**
 * The schema of a whole configuration with the application's sections beside loom's.
 *
 * @example
 * ```ts
 * configSchemaWith({ mailer: t.Object({ from: t.String() }) }).properties.mailer;
 * ```
 */
export function configSchemaWith(sections: ConfigSectionSchemas | undefined): TObject {
  if (sections === undefined || Object.keys(sections).length === 0) return LoomConfigSchema;
  let schema = extended.get(sections);
  if (!schema) {
    const own: Record<string, TSchema> = {};
    for (const [name, section] of Object.entries(defineConfigSections(sections))) {
      const c = closed(section) as Record<string, unknown>;
      // An absent section gets its own defaults (and "is required" for keys without one), like loom's.
      if (c.type === 'object' && !('default' in c)) c.default = {};
      own[name] = c as TSchema;
    }
    schema = Type.Object({ ...LoomConfigSchema.properties, ...own }, { additionalProperties: false });
    extended.set(sections, schema);
  }
  return schema;
}

/** A copy in which every object schema that does not say otherwise refuses unknown keys. */
function closed(schema: TSchema): TSchema {
  const node = schema as Record<string, unknown>;
  // TypeBox keeps its kind markers in non-enumerable keys: copy every own property, not a spread.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(node)) as Record<string, unknown>;
  if (node.type === 'object') {
    if (!('additionalProperties' in node) && !('patternProperties' in node))
      copy.additionalProperties = false;
    const props = node.properties as Record<string, TSchema> | undefined;
    if (props) copy.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, closed(v)]));
  }
  if (node.type === 'array' && node.items && typeof node.items === 'object')
    copy.items = closed(node.items as TSchema);
  return copy as TSchema;
}
