import { z } from 'zod';

/**
 * An operation's arguments in their two forms. In order, as its MonitorApi
 * method takes them and IPC carries them; and as one JSON object, as HTTP
 * carries them (a query string or a body) and as a tool would take them. A
 * rule between arguments (a range's ends in order) belongs to the object
 * form, and the hosts check it whichever form came.
 */
export interface OperationArguments<Args extends readonly unknown[], Named> {
  /** How many the method takes. */
  readonly count: number;
  readonly positional: z.ZodType<Args>;
  readonly named: z.ZodType<Named>;
  // Methods, not function properties: one table holds operations of different arguments side by side.
  toNamed(args: Args): Named;
  toPositional(named: Named): Args;
}

/**
 * For an operation that takes nothing: its object form ignores what comes, as
 * a GET ignores a query it has no use for.
 */
export const noArguments: OperationArguments<[], Record<string, never>> = {
  count: 0,
  positional: z.tuple([]),
  named: z.object({}),
  toNamed: () => ({}),
  toPositional: () => [],
};

/** For an operation whose one argument is the object itself: a command, an export's query. */
export function wholeObject<Value>(schema: z.ZodType<Value>): OperationArguments<[Value], Value> {
  return {
    count: 1,
    positional: z.tuple([schema]),
    named: schema,
    toNamed: ([value]) => value,
    toPositional: (value) => [value],
  };
}

/** The arguments' types in the order of `names`. */
type InOrder<Shape extends z.ZodRawShape, Names extends readonly (keyof Shape)[]> = {
  -readonly [Index in keyof Names]: z.output<Shape[Names[Index] & keyof Shape]>;
};

/**
 * For an operation whose arguments are the fields of `schema`, taken in the
 * order of `names`, which must name each field once: `getStats(from, to)` over
 * `{from, to}`.
 */
export function namedArguments<
  Shape extends z.ZodRawShape,
  Config extends z.core.$ZodObjectConfig,
  const Names extends readonly (keyof Shape & string)[],
>(
  schema: z.ZodObject<Shape, Config>,
  names: Names,
): OperationArguments<InOrder<Shape, Names>, z.output<z.ZodObject<Shape, Config>>> {
  const fields = Object.keys(schema.shape);
  if (names.length === 0 || names.length !== fields.length || !fields.every((field) => names.includes(field))) {
    throw new Error(`the arguments ${names.join(', ')} must name each field of ${fields.join(', ')} once`);
  }
  type Args = InOrder<Shape, Names>;
  type Named = z.output<z.ZodObject<Shape, Config>>;
  // The casts restate what the check above made true: one item per name, in the names' order.
  const items = names.map((name) => schema.shape[name] as z.core.$ZodType) as [z.core.$ZodType, ...z.core.$ZodType[]];
  const positional = z.tuple(items) as unknown as z.ZodType<Args>;
  return {
    count: names.length,
    positional,
    named: schema,
    toNamed: (args) => Object.fromEntries(names.map((name, index) => [name, args[index]])) as Named,
    toPositional: (named) => names.map((name) => (named as Readonly<Record<string, unknown>>)[name]) as Args,
  };
}
