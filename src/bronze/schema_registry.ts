/**
 * Confluent-compatible schema registry support: registers each topic's value schema (JSON Schema) under
 * `<topic>-value` with the documented REST call, and frames message values in the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, then the JSON bytes). Used only when `SCHEMA_REGISTRY_URL`
 * is set; plain JSON values otherwise.
 *
 * @module
 */
import { deadLetterJsonSchema, envelopeJsonSchema } from "./schema.ts";
import { dlqTopic } from "./sink.ts";

/** First byte of a Confluent-framed value. */
export const MAGIC_BYTE = 0;

/** Frames `payload` as `[0, id (uint32 big-endian), ...payload]`. */
export function frameConfluent(schemaId: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffff_ffff) {
    throw new RangeError(`Schema id ${schemaId} is not a 32-bit unsigned integer`);
  }
  const out = new Uint8Array(5 + payload.length);
  out[0] = MAGIC_BYTE;
  new DataView(out.buffer).setUint32(1, schemaId, false);
  out.set(payload, 5);
  return out;
}

/** Splits a Confluent-framed value; throws `SyntaxError` when it is not one. */
export function unframeConfluent(bytes: Uint8Array): { schemaId: number; payload: Uint8Array } {
  if (bytes.length < 5 || bytes[0] !== MAGIC_BYTE) {
    throw new SyntaxError("Cannot read value: not in the Confluent wire format (magic byte 0 + schema id)");
  }
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, 5).getUint32(1, false);
  return { schemaId, payload: bytes.subarray(5) };
}

/** Subject of a topic's value schema (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The registry refused a call or could not be reached. */
export class SchemaRegistryError extends Error {
  /** HTTP status, or 0 when there was no answer. */
  readonly status: number;

  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "SchemaRegistryError";
    this.status = status;
  }
}

/** Options of `SchemaRegistryClient`. */
export interface SchemaRegistryOptions {
  /** Base URL, e.g. `http://localhost:8081`. */
  readonly url: string;
  /** Basic-auth user (with `password`), if the registry needs one. */
  readonly username?: string;
  readonly password?: string;
  /** Fetch function (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** Timeout per call, ms (default 10 000). */
  readonly timeoutMs?: number;
}

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

/** A minimal client of the Confluent schema registry REST API (registration only). */
export class SchemaRegistryClient {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: SchemaRegistryOptions) {
    this.#url = options.url.replace(/\/+$/, "");
    this.#headers = { "content-type": CONTENT_TYPE, accept: CONTENT_TYPE };
    if (options.username) {
      this.#headers.authorization = `Basic ${btoa(`${options.username}:${options.password ?? ""}`)}`;
    }
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Registers `schema` (JSON Schema) under `subject` (`POST /subjects/<subject>/versions`) and returns its
   * id; registering an identical schema again returns the existing id.
   */
  async register(subject: string, schema: Record<string, unknown>): Promise<number> {
    const url = `${this.#url}/subjects/${encodeURIComponent(subject)}/versions`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: "POST",
        headers: this.#headers,
        body: JSON.stringify({ schemaType: "JSON", schema: JSON.stringify(schema) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new SchemaRegistryError(`Cannot reach the schema registry at "${this.#url}"`, 0, { cause });
    }
    const text = await response.text();
    let body: { id?: unknown; message?: unknown } = {};
    try {
      body = JSON.parse(text);
    } catch { /* reported below */ }
    if (!response.ok || typeof body.id !== "number") {
      const detail = typeof body.message === "string" ? body.message : text.slice(0, 200);
      throw new SchemaRegistryError(
        `Schema registry refused subject "${subject}" (HTTP ${response.status}): ${detail}`,
        response.status,
      );
    }
    return body.id;
  }
}

/**
 * Registers the envelope schema for each Bronze topic and the dead-letter schema for its `.dlq` topic;
 * returns the schema id of every topic.
 */
export async function registerBronzeSchemas(
  client: Pick<SchemaRegistryClient, "register">,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const envelope = envelopeJsonSchema();
  const deadLetter = deadLetterJsonSchema();
  for (const topic of topics) {
    ids.set(topic, await client.register(valueSubject(topic), envelope));
    ids.set(dlqTopic(topic), await client.register(valueSubject(dlqTopic(topic)), deadLetter));
  }
  return ids;
}

/** A value encoder for the Kafka sink: JSON text to Confluent-framed bytes with the topic's schema id. */
export function confluentValueEncoder(
  ids: ReadonlyMap<string, number>,
): (topic: string, json: string) => Uint8Array {
  const encoder = new TextEncoder();
  return (topic, json) => {
    const id = ids.get(topic);
    if (id === undefined) throw new RangeError(`No schema registered for topic "${topic}"`);
    return frameConfluent(id, encoder.encode(json));
  };
}
