import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { crc32, writeZip } from "../../simulator/zip_writer.ts";
import { ask, fixedSimulator, oasisUrl, queryParams, sampleBytes } from "./helpers.ts";

interface Layout {
  local: {
    version: number;
    flags: number;
    method: number;
    crc: number;
    csize: number;
    usize: number;
    extra: number;
  };
  descriptor: { signature: number; length: number };
  central: {
    madeBy: number;
    version: number;
    flags: number;
    external: number;
    internal: number;
    extra: number;
  };
  comment: number;
}

/** Reads the structural fields of the first entry of a zip. */
function layout(zip: Uint8Array): Layout {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  assert.deepEqual(v.getUint32(eocd, true), 0x06054b50);
  const cd = v.getUint32(eocd + 16, true);
  const csize = v.getUint32(cd + 20, true);
  const nameLength = v.getUint16(26, true);
  const descriptor = 30 + nameLength + csize;
  const next = v.getUint32(descriptor + 16, true);
  return {
    local: {
      version: v.getUint16(4, true),
      flags: v.getUint16(6, true),
      method: v.getUint16(8, true),
      crc: v.getUint32(14, true),
      csize: v.getUint32(18, true),
      usize: v.getUint32(22, true),
      extra: v.getUint16(28, true),
    },
    // The descriptor is 16 bytes: signature, CRC, sizes; the next record follows right after it.
    descriptor: {
      signature: v.getUint32(descriptor, true),
      length: next === 0x02014b50 || next === 0x04034b50 ? 16 : -1,
    },
    central: {
      madeBy: v.getUint16(cd + 4, true),
      version: v.getUint16(cd + 6, true),
      flags: v.getUint16(cd + 8, true),
      extra: v.getUint16(cd + 30, true),
      internal: v.getUint16(cd + 36, true),
      external: v.getUint32(cd + 38, true),
    },
    comment: v.getUint16(eocd + 20, true),
  };
}

async function python3Reads(zip: Uint8Array): Promise<string | undefined> {
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  try {
    await Deno.writeFile(path, zip);
    const script = "import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n" +
      "print(','.join('%s:%d' % (i.filename, len(z.read(i))) for i in z.infolist()))";
    const out = await new Deno.Command("python3", { args: ["-c", script, path] }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).trim();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined; // no python3 on this machine
    throw error;
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("writeZip() lays entries out like the recorded OASIS zip (flags, versions, descriptor)", async () => {
  const recorded = layout(await sampleBytes("singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip"));
  const data = new TextEncoder().encode("INTERVALSTARTTIME_GMT\n".repeat(100));
  const ours = layout(writeZip([{ name: "a.csv", data }], { modified: new Date("2026-07-01T20:03:17Z") }));
  assert.deepEqual(ours, recorded);
  assert.deepEqual(ours.local, {
    version: 20,
    flags: 0x0808,
    method: 8,
    crc: 0,
    csize: 0,
    usize: 0,
    extra: 0,
  });
  assert.deepEqual(ours.central.madeBy, 0x0014);
  assert.deepEqual(ours.descriptor, { signature: 0x08074b50, length: 16 });
});

Deno.test("writeZip() stores the stamp as Pacific DOS time like the recorded zip", () => {
  // Recorded: stamp 20200630_22_50_44 (Pacific) and DOS time 22:51:02 on 2020-06-30.
  const zip = writeZip([{ name: "a", data: new Uint8Array([1]) }], {
    modified: new Date("2020-07-01T05:51:02Z"),
  });
  const v = new DataView(zip.buffer);
  assert.deepEqual(v.getUint16(10, true), 0xb661);
  assert.deepEqual(v.getUint16(12, true), 0x50de);
});

Deno.test("crc32() matches the recorded member's CRC", async () => {
  const zip = await sampleBytes("singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip");
  const [data] = Object.values(unzipSync(zip));
  assert.deepEqual(crc32(data as Uint8Array), 0xbbd54ce9);
});

Deno.test("simulator zips with several members are read by fflate and by python3 zipfile", async () => {
  const sim = fixedSimulator();
  const params = queryParams("PRC_LMP", 12, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    node: "TH_NP15_GEN-APND,TH_SP15_GEN-APND",
  });
  const answer = await ask(sim, oasisUrl(params));
  assert.deepEqual(Object.keys(answer.files).length, 5);
  const listing = await python3Reads(answer.body);
  if (listing !== undefined) {
    const fromPython = listing.split(",").map((entry) => entry.split(":")[0]);
    assert.deepEqual(fromPython, Object.keys(answer.files));
  }
  assert.ok(layout(answer.body).local.flags === 0x0808);
});
