/**
 * The dashboard: `GET /` is `static/index.html`, `GET /static/<file>` its modules and styles, and
 * `GET /vendor/<file>` the browser builds of Chart.js, chartjs-plugin-zoom and Hammer.js (its touch
 * gestures), read from the npm packages the import map pins (no CDN, nothing vendored into the repository).
 * Files are read once and kept in memory. The Content-Security-Policy is the app's (`security_headers.ts`).
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

/** The browser builds served under `/vendor/`: npm package and the file beside its `main`. */
export const VENDOR_FILES: Readonly<Record<string, { readonly pkg: string; readonly file: string }>> = {
  "chart.umd.min.js": { pkg: "chart.js", file: "chart.umd.min.js" },
  "chartjs-plugin-zoom.min.js": { pkg: "chartjs-plugin-zoom", file: "chartjs-plugin-zoom.min.js" },
  "hammer.min.js": { pkg: "hammerjs", file: "hammer.min.js" },
};

/** The path of `file` of npm package `pkg` in the npm cache (fetching the package first if it is not cached). */
export async function npmFilePath(pkg: string, file: string): Promise<string> {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve(pkg);
  } catch {
    // Not cached yet: importing it once caches the package (a browser build may then fail to run in Deno).
    await import(pkg).catch(() => {});
    main = require.resolve(pkg);
  }
  return join(dirname(main), file);
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
  app.get("/vendor/:name", async (c) => {
    const name = c.req.param("name");
    const vendor = Object.hasOwn(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
    if (vendor === undefined) {
      throw new HTTPException(404, { message: `No vendor file "${name.slice(0, 100)}"` });
    }
    let bytes: Uint8Array;
    try {
      bytes = await read(
        `vendor:${name}`,
        async () => await Deno.readFile(await npmFilePath(vendor.pkg, vendor.file)),
      );
    } catch (error) {
      throw new HTTPException(503, {
        message: `${vendor.pkg} is not available: ${(error as Error).message}`,
      });
    }
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "Content-Type": TYPES[".js"]!, "Cache-Control": "public, max-age=86400" },
    });
  });
  return app;
}
