import { type ColumnKind, columnValueSchema } from '../../model/column.ts';
import type { AnyModel, FieldMeta } from '../../model/model.ts';
import { resolveRelations } from '../../model/resolve-relations.ts';
import type { FilterOperator } from '../../repository/query-spec.ts';
import { plainSchema } from '../json-schema.ts';
import type { ParameterObject } from './openapi-parameters.ts';

const ORDERED: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'];
const TEXT: readonly FilterOperator[] = [...ORDERED, 'like', 'ilike'];

/** The operators documented for a field (the grammar accepts all of them; these are the useful ones). */
function operatorsFor(kind: ColumnKind, nullable: boolean): FilterOperator[] {
  let ops: readonly FilterOperator[];
  if (kind === 'string' || kind === 'text') ops = TEXT;
  else if (kind === 'boolean') ops = ['eq', 'ne'];
  else if (kind === 'uuid') ops = ['eq', 'ne', 'in'];
  else ops = ORDERED;
  return nullable ? [...ops, 'is_null'] : [...ops];
}

function typeOf(f: FieldMeta): string {
  const schema = plainSchema(columnValueSchema(f.def));
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  return `${type}${format}`;
}

function row(f: FieldMeta): string {
  const names = f.column === f.name ? `\`${f.name}\`` : `\`${f.name}\` / \`${f.column}\``;
  return `| ${names} | ${typeOf(f)} | ${operatorsFor(f.def.kind, f.def.nullable).join(', ')} |`;
}

/**
 * The list filters as ONE documented parameter, `filter`: an object whose entries are sent as query
 * parameters (`style: form, explode: true` → `?priceCents__gte=100&name__ilike=%25tee%25`), described
 * by the grammar with a table of the model's filterable fields and their operators. One parameter
 * instead of one per field and operator (46–69 on the store's lists) keeps Swagger UI's form short
 * and its "Try it out" sends nothing unless the user writes a filter (docs/decisions/0045).
 *
 * @example
 * ```ts
 * filterParameter(Product).name; // 'filter'
 * ```
 */
export function filterParameter(model: AnyModel): ParameterObject {
  const fields = model.$fields.filter((f) => f.def.filterable);
  const relations = [...resolveRelations(model).values()];
  const lines = [
    'Filters, sent as query parameters `<field>__<op>=<value>` (`<field>=<value>` means `eq`); several filters all apply (AND).',
    "Fields are camelCase or snake_case; values are read by the field's declared type; an unknown field or operator is a 400.",
    '`in` takes a comma-separated list; `like`/`ilike` take a pattern with `%` and `_`; `is_null` takes true or false.',
    '',
    '| field | type | operators |',
    '|---|---|---|',
    ...fields.map(row),
  ];
  if (relations.length > 0) {
    lines.push(
      '',
      'Relations: `<relation>__exists=true|false`, and `<relation>__<field>[__<op>]` on the related rows:',
      ...relations.map(
        (r) =>
          `- \`${r.name}\` (${r.target.$name}), e.g. \`${r.name}__${r.target.$primaryKey.name}__in=1,2\``,
      ),
    );
  }
  const example = fields.find((f) => f.def.kind === 'string' || f.def.kind === 'text') ?? fields[0];
  if (example !== undefined) {
    const op = example.def.kind === 'string' || example.def.kind === 'text' ? 'ilike' : 'gte';
    lines.push(
      '',
      `Example (as JSON in Swagger UI): \`{ "${example.name}__${op}": "${op === 'ilike' ? '%a%' : '1'}" }\``,
    );
  }
  return {
    name: 'filter',
    in: 'query',
    required: false,
    description: lines.join('\n'),
    style: 'form',
    explode: true,
    schema: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    // An empty object: Swagger UI's form sends no filter until one is written.
    example: {},
  };
}
