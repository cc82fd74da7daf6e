import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Provider } from "@market40/core/config";
import * as Rollups from "@market40/core/rollup/rollups";
import { type DeliveryMode, ProviderClients, signAs } from "@market40/devkit/providerClients";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Hostile input where it matters most: CSV files from the field (any text, any bytes) and provider callbacks that
 * were tampered with. Property-based: fast-check builds the inputs, the invariants are what a user relies on.
 */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "8888000001") });
});
afterAll(() => h.close());

const HEADER = "code,vendorName,phone,category,bankBin,accountNumber,accountName";
const noNewline = (a: fc.Arbitrary<string>) => a.map((s) => s.replace(/[\r\n]/g, " "));
const formula = fc.constantFrom("=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "\t=1");
const row = fc.record({
  code: fc.oneof(fc.stringMatching(/^[A-D]-[0-9]{1,2}$/), formula, fc.constant(""), noNewline(fc.string())),
  vendorName: fc.oneof(
    fc.constantFrom("Giàng Thị Mai", "Sùng Mí Páo, con", 'Lò "Văn" Hùng', "Vàng Thị Dợ 👩‍🌾"),
    formula,
    fc.constant(""),
    noNewline(fc.string({ maxLength: 40 })),
  ),
  phone: fc.oneof(fc.constantFrom("", "0912345678", "+84912345678", "091234"), noNewline(fc.string())),
  category: fc.oneof(fc.constantFrom("rau", "thịt", "thổ cẩm", ""), formula),
  bankBin: fc.constantFrom("970405", "971005", "970416", "999999", "", "97040"),
  accountNumber: fc.oneof(fc.stringMatching(/^[0-9]{6,14}$/), fc.constantFrom("", "12ab", "1".repeat(30))),
  accountName: fc.oneof(fc.constantFrom("GIANG THI MAI", "Sùng Mí Páo", ""), noNewline(fc.string())),
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;
const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
const toCsv = (rows: Row[]) =>
  [
    HEADER,
    ...rows.map((r) =>
      [r.code, r.vendorName, r.phone, r.category, r.bankBin, r.accountNumber, r.accountName]
        .map(quote)
        .join(","),
    ),
  ].join("\r\n");

let markets = 0;
async function freshMarket(): Promise<string> {
  const id = `fuzz-${++markets}`;
  expect((await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id } })).status).toBe(201);
  return id;
}
const upload = (market: string, body: string | Uint8Array) =>
  h.call("POST", `/api/markets/${market}/stalls/import`, {
    body,
    headers: { "content-type": "text/csv; charset=utf-8" },
  });
async function stallsOf(market: string): Promise<{ code: string; vendorName: string }[]> {
  return (await h.call("GET", `/api/markets/${market}/stalls?limit=100`)).body.items;
}

describe("CSV import under hostile files", () => {
  it("accounts for every row exactly once: created, skipped as already there, or refused by its line", async () => {
    const seen = { created: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        const market = await freshMarket();
        const csv = toCsv(rows);
        const first = await upload(market, csv);
        expect(first.status).toBe(200);
        const { created, skipped, errors } = first.body as {
          created: number;
          skipped: number;
          errors: { line: number; message: string }[];
        };
        expect(created + skipped + errors.length).toBe(rows.length);
        seen.created += created;
        seen.refused += errors.length;
        const lines = errors.map((e) => e.line);
        expect(new Set(lines).size).toBe(lines.length);
        for (const line of lines) expect(line >= 2 && line <= rows.length + 1).toBe(true);
        for (const e of errors) expect(e.message.length).toBeGreaterThan(0);

        const stalls = await stallsOf(market);
        expect(stalls).toHaveLength(created);
        // Every row not refused names a stall that now exists, with its text kept (formulas are data here).
        const codes = new Set(stalls.map((s) => s.code));
        rows.forEach((r, i) => {
          if (!lines.includes(i + 2)) expect(codes.has(r.code.trim()), `line ${i + 2}`).toBe(true);
        });

        // The same file again changes nothing.
        const again = await upload(market, csv);
        expect(again.body.created).toBe(0);
        expect(again.body.skipped + again.body.errors.length).toBe(rows.length);
        expect(await stallsOf(market)).toHaveLength(created);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
    // Both paths were exercised: the generator is not so hostile that nothing is ever created.
    expect(seen.created).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 600_000);

  it("answers any bytes with a 4xx or a per-line report, never a 5xx, and a refused file writes nothing", async () => {
    const market = await freshMarket();
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.string({ maxLength: 300 }).map((s) => `${HEADER}\n${s}`),
      fc.string({ unit: "binary", maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (body) => {
        const before = (await stallsOf(market)).length;
        const res = await upload(market, body);
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) {
          expect(res.body.error.message).toBeTruthy();
          expect((await stallsOf(market)).length).toBe(before);
        } else expect((await stallsOf(market)).length).toBe(before + res.body.created);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  }, 600_000);
});

/** The object each provider's signature covers, inside its parsed body (SePay: in its HMAC mode). */
const signedPart: Record<Provider, (body: Record<string, unknown>) => Record<string, unknown>> = {
  generic: (b) => b,
  sepay: (b) => b,
  payos: (b) => b.data as Record<string, unknown>,
  casso: (b) => b.data as Record<string, unknown>,
};

function changed(value: unknown, salt: number): unknown {
  if (typeof value === "number") return value + 1 + salt;
  if (typeof value === "string")
    return value.length > 0 && salt % 2 ? value.slice(1) : `${value}${salt % 10}`;
  if (typeof value === "boolean") return !value;
  return `x${salt}`;
}

async function transactions(): Promise<number> {
  const res = await h.store.doc.send(
    new ScanCommand({
      TableName: h.store.table,
      Select: "COUNT",
      FilterExpression: "#t = :t",
      ExpressionAttributeNames: { "#t": "type" },
      ExpressionAttributeValues: { ":t": "transaction" },
    }),
  );
  return res.Count ?? 0;
}

describe("tampered callbacks", () => {
  let seq = 0;
  const signed = (
    provider: Provider,
    over: { accountNumber?: string; amount?: number } = {},
    // SePay signs only in its HMAC mode (its API-key mode is tested below).
    mode: DeliveryMode<Provider> | undefined = provider === "sepay" ? "hmac" : undefined,
  ) => {
    const now = h.clock.now();
    seq++;
    return signAs(
      provider,
      {
        id: `FT2633${String(seq).padStart(6, "0")}`,
        bin: "970405",
        accountNumber: over.accountNumber ?? "8888000001",
        bankShortName: "Agribank",
        amount: over.amount ?? 25000,
        paidAt: new Date(now.getTime() - 60_000),
        description: `A1 rau ${seq}`,
        payer: `payer-${seq % 7}`,
      },
      TEST_SECRETS,
      now,
      mode,
    );
  };
  const send = (provider: Provider, body: string, headers: Record<string, string>) =>
    h.call("POST", `/api/callbacks/${provider}`, { body, headers, token: null });

  it("refuses any change to a signed value, for every signed provider, and stores the original exactly once", async () => {
    const before = await transactions();
    let originals = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Provider>("generic", "payos", "casso", "sepay"),
        fc.nat(),
        fc.nat(),
        async (provider, pick, salt) => {
          const req = signed(provider);
          const body = JSON.parse(req.body) as Record<string, unknown>;
          const part = signedPart[provider](body);
          const keys = Object.keys(part);
          const key = keys[pick % keys.length]!;
          part[key] = changed(part[key], salt);
          const tampered = await send(provider, JSON.stringify(body), req.headers);
          expect([400, 401], `${provider}.${key}`).toContain(tampered.status);

          const original = await send(provider, req.body, req.headers);
          expect(original.status).toBe(200);
          expect(original.body.status).toBe("stored");
          originals++;
          // A replay of the very same request is acknowledged and not counted again.
          expect((await send(provider, req.body, req.headers)).body.status).toBe("duplicate");
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 120) },
    );
    expect(await transactions()).toBe(before + originals);
  }, 600_000);

  it("refuses any single flipped byte of a generic callback's raw body or signature", async () => {
    const before = await transactions();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (inBody, pos, xor) => {
        const req = signed("generic");
        const bytes = Buffer.from(inBody ? req.body : req.headers["x-signature"]!);
        const at = pos % bytes.length;
        bytes[at] = bytes[at]! ^ xor;
        // Hex is case-blind: "v1=AB…" is the same signature as "v1=ab…", so a case flip there is no tampering.
        if (!inBody)
          fc.pre(bytes.toString("latin1").toLowerCase() !== req.headers["x-signature"]!.toLowerCase());
        // A header cannot carry NUL, CR or LF at all: the client refuses to send it.
        if (!inBody) fc.pre(![0, 10, 13].includes(bytes[at]!));
        const res = inBody
          ? await send("generic", bytes.toString("latin1"), req.headers)
          : await send("generic", req.body, { ...req.headers, "x-signature": bytes.toString("latin1") });
        expect([400, 401]).toContain(res.status);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
    expect(await transactions()).toBe(before);
  }, 600_000);

  it("refuses timestamps outside five minutes either way (generic, SePay's HMAC), and a wrong SePay key", async () => {
    const before = await transactions();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 301, max: 10_000_000 }), fc.boolean(), async (skew, future) => {
        const at = new Date(h.clock.now().getTime() + (future ? skew : -skew) * 1000);
        const payment = {
          id: `FT-SKEW-${skew}`,
          bin: "970405",
          accountNumber: "8888000001",
          bankShortName: "Agribank",
          amount: 1000,
          paidAt: h.clock.now(),
          description: "skew",
        };
        const req = ProviderClients.generic(payment, TEST_SECRETS, at);
        expect((await send("generic", req.body, req.headers)).status).toBe(401);
        const sepay = signAs("sepay", payment, TEST_SECRETS, at, "hmac");
        expect((await send("sepay", sepay.body, sepay.headers)).status).toBe(401);
      }),
      { numRuns: 60 },
    );
    const sepay = signed("sepay", {}, "apikey");
    for (const authorization of [
      "",
      "Apikey ",
      `Apikey ${TEST_SECRETS.sepay}x`,
      `Bearer ${TEST_SECRETS.sepay}`,
      `Apikey ${TEST_SECRETS.sepay.slice(0, -1)}`,
    ])
      expect((await send("sepay", sepay.body, { ...sepay.headers, authorization })).status).toBe(401);
    expect(await transactions()).toBe(before);
  });

  it("after all that, the market's day counts each stored payment once (rollup = recount)", async () => {
    const records = await h.store.doc.send(
      new ScanCommand({
        TableName: h.store.table,
        FilterExpression: "#t = :t AND marketId = :m",
        ExpressionAttributeNames: { "#t": "type" },
        ExpressionAttributeValues: { ":t": "transaction", ":m": "dong-van" },
      }),
    );
    const items = records.Items ?? [];
    expect(items.length).toBeGreaterThan(100);
    const day = (await Rollups.marketDays(h.store, "dong-van", "2026-11-26", "2026-11-26")).get("2026-11-26");
    expect(day).toMatchObject({
      count: items.length,
      value: items.reduce((sum, i) => sum + (i.amount as number), 0),
    });
  });
});
