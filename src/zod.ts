/**
 * The one import of `npm:zod`: the schema library of the Bronze record contract (`bronze/schema.ts`) and of
 * the WebSocket protocol (`live/messages.ts`). The HTTP routes declare theirs with `@hono/zod-openapi`,
 * which brings the same zod.
 *
 * @module
 */
export { z } from "zod";
