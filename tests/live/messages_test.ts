import assert from "node:assert/strict";
import { parseClientMessage } from "../../src/live/messages.ts";

Deno.test("parseClientMessage() accepts subscribe, ping and pong", () => {
  assert.deepEqual(parseClientMessage('{"type":"subscribe","zones":["sp15","np15"]}'), {
    ok: true,
    message: { type: "subscribe", zones: ["sp15", "np15"] },
  });
  assert.deepEqual(parseClientMessage('{"type":"subscribe","zones":["*"]}'), {
    ok: true,
    message: { type: "subscribe", zones: ["*"] },
  });
  assert.deepEqual(parseClientMessage('{"type":"ping"}'), { ok: true, message: { type: "ping" } });
  assert.deepEqual(parseClientMessage('{"type":"pong","extra":1}'), { ok: true, message: { type: "pong" } });
});

Deno.test("parseClientMessage() explains every frame it cannot use, never throws", () => {
  const cases: [unknown, RegExp][] = [
    [new ArrayBuffer(3), /Binary frames/],
    ["", /not JSON/],
    ["{", /not JSON/],
    ["null", /JSON object/],
    ['"subscribe"', /JSON object/],
    ["[]", /JSON object/],
    ["{}", /Unknown message type undefined/],
    ['{"type":"__proto__"}', /Unknown message type "__proto__"/],
    ['{"type":"toString"}', /Unknown message type "toString"/],
    ['{"type":42}', /Unknown message type 42/],
    ['{"type":"subscribe"}', /"zones"/],
    ['{"type":"subscribe","zones":[1]}', /"zones.0"/],
    ['{"type":"subscribe","zones":["Bad Zone"]}', /not a zone name/],
    [JSON.stringify({ type: "subscribe", zones: Array.from({ length: 101 }, (_, i) => `z${i}`) }), /"zones"/],
    ["x".repeat(4097), /longer than 4096/],
  ];
  for (const [frame, expected] of cases) {
    const parsed = parseClientMessage(frame);
    assert.equal(parsed.ok, false, String(frame).slice(0, 40));
    if (!parsed.ok) assert.match(parsed.error, expected);
  }
});
