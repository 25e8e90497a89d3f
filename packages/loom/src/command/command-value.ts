/**
 * The object a parsed command value is: its fields as own enumerable properties (what spreads,
 * `Object.keys`, `JSON.stringify` and the serializers see), and `$fieldsSet` as a getter of its
 * prototype over the names of the fields set (by the client, a compute or `withFields`) in the order they
 * were set. The set is built on first read: most calls never read it (only `whenPresent` rules and
 * code that asks do). A plain object with a non-enumerable own `$fieldsSet` cost a
 * `Object.defineProperty` per value, which V8 does in its runtime, and a `Set` per value
 * (docs/decisions/0064-command-values-and-computes-in-place.md).
 *
 * Its `constructor` is `Object`, so inspection and test diffs print it as a plain object.
 */
class CommandValueObject {
  /** Names set so far, in order; repeats are dropped when the set is built. */
  readonly #names: string[];
  #set: Set<string> | undefined = undefined;

  constructor(names: string[]) {
    this.#names = names;
  }

  /** The fields set, in the order first set. */
  get $fieldsSet(): ReadonlySet<string> {
    let set = this.#set;
    if (set === undefined) {
      set = new Set(this.#names);
      this.#set = set;
    }
    return set;
  }

  /** Records that `name` was set on a value still being built. */
  static mark(value: CommandValueObject, name: string): void {
    value.#names.push(name);
    value.#set?.add(name);
  }
}
Object.defineProperty(CommandValueObject.prototype, 'constructor', {
  value: Object,
  writable: true,
  configurable: true,
  enumerable: false,
});

/** A command value under construction: writable until {@link freezeCommandValue}. */
export type CommandValueDraft = Record<string, unknown> & { readonly $fieldsSet: ReadonlySet<string> };

/**
 * A new, empty, writable command value whose `$fieldsSet` will hold `names` (the array is kept and
 * appended to by {@link markFieldSet}).
 */
export function newCommandValue(names: string[]): CommandValueDraft {
  return new CommandValueObject(names) as unknown as CommandValueDraft;
}

/** Sets `name` on a draft and adds it to its `$fieldsSet`. */
export function setCommandField(draft: CommandValueDraft, name: string, value: unknown): void {
  draft[name] = value;
  CommandValueObject.mark(draft as unknown as CommandValueObject, name);
}

/**
 * A writable copy of a command value (its fields and its `$fieldsSet`), whatever object it is: a value of
 * this module, or any object with a `$fieldsSet` (an older or hand-made one).
 */
export function copyCommandValue(
  value: object & { readonly $fieldsSet?: ReadonlySet<string> },
): CommandValueDraft {
  const draft = newCommandValue(value.$fieldsSet === undefined ? [] : [...value.$fieldsSet]);
  for (const key of Object.keys(value)) {
    // The prototype's getter has no setter; a value that carries its own enumerable `$fieldsSet` keeps it
    // out of the fields, as the plain-object values did.
    if (key !== '$fieldsSet') draft[key] = (value as Record<string, unknown>)[key];
  }
  return draft;
}

/** Freezes a draft: the value `execute`, rules and callers receive. */
export function freezeCommandValue<T>(draft: CommandValueDraft): T {
  return Object.freeze(draft) as unknown as T;
}
