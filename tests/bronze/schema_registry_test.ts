import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import {
  confluentValueEncoder,
  frameConfluent,
  registerBronzeSchemas,
  SchemaRegistryClient,
  SchemaRegistryError,
  unframeConfluent,
  valueSubject,
} from "../../src/bronze/schema_registry.ts";
import { buildEnvelope, queryIdentity } from "../../src/bronze/envelope.ts";
import { ENVELOPE_SCHEMA } from "../../src/bronze/schema.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { EXCERPT_URL, excerptFetch } from "./bronze_fixtures.ts";
import { fakeRegistry } from "./fake_registry.ts";

Deno.test("frameConfluent() writes magic byte 0, the big-endian schema id and the payload", () => {
  const framed = frameConfluent(0x01020304, new Uint8Array([0x7b, 0x7d]));
  assert.deepEqual([...framed], [0, 1, 2, 3, 4, 0x7b, 0x7d]);
  assert.deepEqual(unframeConfluent(framed), { schemaId: 0x01020304, payload: new Uint8Array([0x7b, 0x7d]) });
});

Deno.test("unframeConfluent() refuses bytes without the magic byte", () => {
  assert.throws(() => unframeConfluent(new TextEncoder().encode('{"a":1}')), SyntaxError);
  assert.throws(() => frameConfluent(-1, new Uint8Array()), RangeError);
});

Deno.test("registerBronzeSchemas() registers JSON Schemas under <topic>-value for topics and their .dlq", async () => {
  const reg = fakeRegistry();
  try {
    const client = new SchemaRegistryClient({ url: reg.url + "/", username: "u", password: "p" });
    const ids = await registerBronzeSchemas(client, ["a.raw.v1", "b.raw.v1"]);
    assert.deepEqual(Object.fromEntries(ids), {
      "a.raw.v1": 1,
      "a.raw.v1.dlq": 2,
      "b.raw.v1": 1,
      "b.raw.v1.dlq": 2,
    });
    assert.deepEqual([...reg.subjects.keys()], [
      "a.raw.v1-value",
      "a.raw.v1.dlq-value",
      "b.raw.v1-value",
      "b.raw.v1.dlq-value",
    ]);
    assert.equal(reg.schemas[0]!.schemaType, "JSON");
    assert.equal(JSON.parse(reg.schemas[0]!.schema).title, ENVELOPE_SCHEMA);
    assert.equal(reg.requests[0]!.contentType, "application/vnd.schemaregistry.v1+json");
    assert.equal(reg.requests[0]!.auth, `Basic ${btoa("u:p")}`);
    assert.equal(reg.requests[0]!.path, "/subjects/a.raw.v1-value/versions");
  } finally {
    await reg.server.shutdown();
  }
});

Deno.test("SchemaRegistryClient.register() reports a refusal with the status and the registry's message", async () => {
  const client = new SchemaRegistryClient({
    url: "http://registry.test",
    fetch: () =>
      Promise.resolve(
        new Response('{"error_code":409,"message":"Schema being registered is incompatible"}', {
          status: 409,
        }),
      ),
  });
  const error = await client.register(valueSubject("t"), {}).catch((e) => e);
  assert.ok(error instanceof SchemaRegistryError);
  assert.equal(error.status, 409);
  assert.match(error.message, /"t-value".*HTTP 409.*incompatible/);
});

Deno.test("SchemaRegistryClient.register() reports an unreachable registry with status 0", async () => {
  const client = new SchemaRegistryClient({
    url: "http://registry.test",
    fetch: () => Promise.reject(new TypeError("refused")),
  });
  const error = await client.register("t-value", {}).catch((e) => e);
  assert.ok(error instanceof SchemaRegistryError);
  assert.equal(error.status, 0);
});

Deno.test("a framed envelope decodes and validates with the reference Confluent client", async () => {
  const reg = fakeRegistry();
  try {
    const ids = await registerBronzeSchemas(new SchemaRegistryClient({ url: reg.url }), ["a.raw.v1"]);
    const encode = confluentValueEncoder(ids);
    const envelope = buildEnvelope(
      excerptFetch().result.rows[0]!,
      queryIdentity(DATASETS.lmp_dam, EXCERPT_URL),
      {
        dataset: "lmp_dam",
        fetch: { url: EXCERPT_URL, finalUrl: EXCERPT_URL, fetchedAt: "2020-07-01T00:00:00.000Z" },
        ingestedAt: "2020-07-01T00:00:01.000Z",
      },
    );
    const framed = encode("a.raw.v1", JSON.stringify(envelope));
    // @kafkajs/confluent-schema-registry reads the frame, fetches the schema by id (GET /schemas/ids/<id>)
    // and validates the payload against the registered JSON Schema with ajv (formats not checked by ajv).
    const reference = new SchemaRegistry({ host: reg.url }, {
      [SchemaType.JSON]: { strict: false, validateFormats: false },
    });
    const decoded = await reference.decode(Buffer.from(framed));
    assert.deepEqual(decoded, envelope);
    const broken = encode("a.raw.v1", JSON.stringify({ ...envelope, opr_hour: 99 }));
    await assert.rejects(reference.decode(Buffer.from(broken)), /invalid payload/);
    assert.ok(
      reg.requests.some((r) => r.method === "GET" && r.path === `/schemas/ids/${ids.get("a.raw.v1")}`),
    );
  } finally {
    await reg.server.shutdown();
  }
});
