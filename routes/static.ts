/**
 * The dashboard: `GET /` is `static/index.html`, `GET /static/<file>` its modules and styles, and
 * `GET /vendor/chart.umd.min.js` Chart.js's self-contained build, read from the npm package the import
 * map pins (no CDN, nothing vendored into the repository). Files are read once and kept in memory. The
 * Content-Security-Policy is the app's (`security_headers.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Where the dashboard's files are. */
export const STATIC_DIR: URL = new URL("../static/", import.meta.url);

/** The path of Chart.js's UMD build in the npm cache (fetching the package first if it is not cached). */
export async function chartJsPath(): Promise<string> {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve("chart.js");
  } catch {
    await import("chart.js"); // not cached yet: loading it once caches the package
    main = require.resolve("chart.js");
  }
  return join(dirname(main), "chart.umd.min.js");
}

/** The dashboard sub-app serving files from `dir`. */
export function createStaticApp(dir: URL = STATIC_DIR): Hono {
  const app = new Hono();
  const cache = new Map<string, Promise<Uint8Array>>();
  const read = (key: string, load: () => Promise<Uint8Array>) => {
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = load();
      bytes.catch(() => cache.delete(key));
      cache.set(key, bytes);
    }
    return bytes;
  };
  const serve = async (name: string) => {
    const ext = name.slice(name.lastIndexOf("."));
    if (!/^[a-z0-9_]+\.[a-z]+$/.test(name) || TYPES[ext] === undefined) {
      throw new HTTPException(404, { message: `No dashboard file "${name}"` });
    }
    let bytes: Uint8Array;
    try {
      bytes = await read(name, () => Deno.readFile(new URL(name, dir)));
    } catch {
      throw new HTTPException(404, { message: `No dashboard file "${name}"` });
    }
    const headers: Record<string, string> = { "Content-Type": TYPES[ext]!, "Cache-Control": "no-cache" };
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers });
  };
  app.get("/", () => serve("index.html"));
  app.get("/static/:name", (c) => serve(c.req.param("name")));
  app.get("/vendor/chart.umd.min.js", async () => {
    let bytes: Uint8Array;
    try {
      bytes = await read("chart.js", async () => await Deno.readFile(await chartJsPath()));
    } catch (error) {
      throw new HTTPException(503, { message: `Chart.js is not available: ${(error as Error).message}` });
    }
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "Content-Type": TYPES[".js"]!, "Cache-Control": "public, max-age=86400" },
    });
  });
  return app;
}
