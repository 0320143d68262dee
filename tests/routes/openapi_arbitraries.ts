/**
 * fast-check arbitraries of requests to the operations of an OpenAPI document: for each parameter, mostly
 * values its schema allows (enums, known zones, dates near the test's `NOW`, numbers with the extreme
 * floats 1e-308, 1e308, subnormals and 0.4999999) and sometimes garbage. A new operation or parameter in
 * `/api/openapi.json` is fuzzed without a change here.
 *
 * @module
 */
import fc from "fast-check";

/** A parameter of an OpenAPI 3.0 operation. */
export interface Parameter {
  readonly name: string;
  readonly in: "query" | "path";
  readonly required?: boolean;
  readonly schema: {
    readonly type?: string;
    readonly enum?: readonly string[];
    readonly example?: unknown;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly format?: string;
  };
}

/** One documented operation. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** The fields of a JSON body, as parameters (`in` is `query`), when the operation takes one. */
  readonly body?: readonly Parameter[];
}

type Schema = {
  readonly $ref?: string;
  readonly required?: readonly string[];
  readonly properties?: Record<string, Parameter["schema"]>;
};
type Doc = {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>>;
  components?: { schemas?: Record<string, Schema> };
};

function bodyFields(doc: Doc, requestBody: unknown): Parameter[] | undefined {
  const body = requestBody as { content?: Record<string, { schema: Schema }> } | undefined;
  let schema = body?.content?.["application/json"]?.schema;
  if (schema === undefined) return undefined;
  if (schema.$ref) schema = doc.components?.schemas?.[schema.$ref.split("/").at(-1)!] ?? {};
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name),
    schema: s,
  }));
}

/** The operations of an OpenAPI document. */
export function operations(doc: Doc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): Operation => ({
      method,
      path,
      parameters: op.parameters ?? [],
      body: bodyFields(doc, op.requestBody),
    }))
  );
}

/** Floats that break arithmetic: tiny, huge, subnormal, just below a half, signed zero, edges of (0, 1]. */
export const EXTREME_FLOATS: readonly number[] = [
  1e-308,
  1e308,
  Number.MAX_VALUE,
  5e-324,
  2.225e-309,
  2.2250738585072014e-308,
  Number.EPSILON,
  0.4999999,
  0.5000001,
  0.9999999,
  1e-7,
  0,
  -0,
  -1e-308,
  -1,
];

const GARBAGE = fc.oneof(
  fc.constantFrom("", " ", "NaN", "Infinity", "-Infinity", "1e309", "0x10", "1_000", "%", "\u0000", "../"),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

const numberText = (n: fc.Arbitrary<number>) =>
  fc.tuple(n, fc.constantFrom("plain", "plain", "plain", "exponent", "fixed")).map(([v, form]) =>
    form === "exponent" ? v.toExponential() : form === "fixed" ? v.toFixed(20) : String(v)
  );

function numbers(schema: Parameter["schema"]): fc.Arbitrary<string> {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  if (schema.type === "integer") {
    return fc.oneof(
      numberText(fc.integer({ min: Math.ceil(min), max: Math.floor(max) })),
      numberText(fc.oneof(fc.constantFrom(...EXTREME_FLOATS), fc.integer())),
    );
  }
  return fc.oneof(
    { arbitrary: numberText(fc.constantFrom(...EXTREME_FLOATS)), weight: 3 },
    { arbitrary: numberText(fc.double({ min: 0, max: 1, noNaN: true })), weight: 2 },
    { arbitrary: numberText(fc.double({ min, max, noNaN: true })), weight: 1 },
    { arbitrary: numberText(fc.double({ noNaN: true })), weight: 1 },
  );
}

const DATES = fc.date({ min: new Date("2023-01-01T00:00:00Z"), max: new Date("2026-07-03T00:00:00Z") })
  .filter((d) => !Number.isNaN(d.getTime()));

function strings(p: Parameter): fc.Arbitrary<string> {
  const schema = p.schema;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.format === "date" || schema.format === "date-time" || ["date", "from", "to"].includes(p.name)) {
    return fc.oneof(
      fc.constantFrom("2026-07-01", "2026-06-30"),
      DATES.map((d) => d.toISOString().slice(0, 10)),
      DATES.map((d) => d.toISOString()),
    );
  }
  return fc.constantFrom(String(schema.example ?? "x"), "sp15", "np15", "zp26", "SP15");
}

/** A value of parameter `p`: mostly one its schema allows, sometimes garbage. */
export function parameterValue(p: Parameter): fc.Arbitrary<string> {
  const valid = p.schema.type === "number" || p.schema.type === "integer" ? numbers(p.schema) : strings(p);
  return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: GARBAGE, weight: 1 });
}

/**
 * Request URLs (path and query) of `op`: every required parameter and up to three optional ones, so that
 * most requests get past validation to the work behind it.
 */
export function requestOf(op: Operation): fc.Arbitrary<string> {
  const required = op.parameters.filter((p) => p.required);
  const optional = op.parameters.filter((p) => !p.required);
  return fc.subarray(optional, { maxLength: Math.min(3, optional.length) }).chain((chosen) => {
    const params = [...required, ...chosen];
    return fc.tuple(...params.map(parameterValue)).map((values) => {
      let path = op.path;
      const query = new URLSearchParams();
      params.forEach((p, i) => {
        const v = values[i]!;
        if (p.in === "path") path = path.replace(`{${p.name}}`, encodeURIComponent(v));
        else query.append(p.name, v);
      });
      const text = query.toString();
      return text ? `${path}?${text}` : path;
    });
  });
}

const JSON_GARBAGE: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, [], {}, "", 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * The JSON body text of `op` (undefined without one): every required field and some optional ones, mostly
 * values their schema allows (numbers as numbers), sometimes any JSON value, and now and then not JSON.
 */
export function bodyOf(op: Operation): fc.Arbitrary<string | undefined> {
  const fields = op.body;
  if (fields === undefined) return fc.constant(undefined);
  const value = (p: Parameter): fc.Arbitrary<unknown> => {
    const t = p.schema.type;
    const valid = t === "number" || t === "integer" ? numbers(p.schema).map(Number) : strings(p);
    return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: JSON_GARBAGE, weight: 1 });
  };
  const object = fc.subarray(fields.filter((p) => !p.required)).chain((optional) => {
    const chosen = [...fields.filter((p) => p.required), ...optional];
    return fc.tuple(...chosen.map(value)).map((vs) =>
      JSON.stringify(Object.fromEntries(chosen.map((p, i) => [p.name, vs[i]])))
    );
  });
  return fc.oneof({ arbitrary: object, weight: 19 }, { arbitrary: GARBAGE, weight: 1 });
}
