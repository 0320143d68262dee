/**
 * A fake Confluent schema registry for tests (no registry could be started from the machine's package
 * registries): a real HTTP server on a random loopback port.
 *
 * @module
 */

/**
 * A fake Confluent schema registry on a random port implementing the documented calls the code and the
 * reference client use: POST /subjects/{subject}/versions, GET /schemas/ids/{id}, GET /config/{subject}.
 */
export function fakeRegistry() {
  const schemas: Array<{ schema: string; schemaType: string }> = [];
  const subjects = new Map<string, number[]>();
  const requests: Array<{ method: string; path: string; contentType: string | null; auth: string | null }> =
    [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
    });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    requests.push({
      method: req.method,
      path,
      contentType: req.headers.get("content-type"),
      auth: req.headers.get("authorization"),
    });
    let m = path.match(/^\/subjects\/(.+)\/versions$/);
    if (m && req.method === "POST") {
      const body = await req.json();
      if (typeof body.schema !== "string") return json({ error_code: 42201, message: "Invalid schema" }, 422);
      JSON.parse(body.schema);
      let id = schemas.findIndex((s) => s.schema === body.schema) + 1;
      if (id === 0) id = schemas.push({ schema: body.schema, schemaType: body.schemaType ?? "AVRO" });
      subjects.set(m[1]!, [...(subjects.get(m[1]!) ?? []), id]);
      return json({ id });
    }
    m = path.match(/^\/schemas\/ids\/(\d+)$/);
    if (m && req.method === "GET") {
      const s = schemas[Number(m[1]) - 1];
      return s ? json(s) : json({ error_code: 40403, message: "Schema not found" }, 404);
    }
    if (path.startsWith("/config/")) return json({ error_code: 40401, message: "Subject not found" }, 404);
    return json({ error_code: 404, message: "Not found" }, 404);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return { server, url, schemas, subjects, requests };
}
