import { languageOf, translate } from "@market40/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/** Messages people read follow Accept-Language (docs/contract.md §13); codes and paths never change. */
let h: Harness;
let stallId: string;
let otherManager: string;

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
  stallId = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "8888300001") }))
    .body.id;
  otherManager = await h.token("manager", { marketId: "meo-vac" });
});
afterAll(() => h.close());

/** Words an English sentence of ours would contain and a Vietnamese one never does. */
const ENGLISH =
  /\b(the|is|not|must|expected|invalid|required|only|this|key|may|found|at most|at least|retry|input)\b/i;

type Case = [name: string, send: (lang: Record<string, string>) => ReturnType<Harness["call"]>];
const cases: Case[] = [
  [
    "a stall with a typo'd account number and no name",
    (headers) =>
      h.call("POST", "/api/markets/dong-van/stalls", {
        headers,
        body: { ...stallInput("B-1", "88880I/2345678"), vendorName: undefined },
      }),
  ],
  ["an unknown stall", (headers) => h.call("GET", "/api/stalls/nope", { headers })],
  ["no key", (headers) => h.call("GET", "/api/markets/dong-van/stalls", { headers, token: null })],
  [
    "another market's manager",
    (headers) => h.call("GET", "/api/markets/dong-van/stalls", { headers, token: otherManager }),
  ],
  [
    "an incident ending before it starts",
    (headers) =>
      h.call("POST", "/api/markets/dong-van/incidents", {
        headers,
        body: { startedAt: "2026-11-26T02:00:00Z", endedAt: "2026-11-26T01:00:00Z", cause: "power" },
      }),
  ],
  [
    "a stall patch with an unknown field",
    (headers) => h.call("PATCH", `/api/stalls/${stallId}`, { headers, body: { colour: "red" } }),
  ],
  [
    "an import that is not CSV",
    (headers) =>
      h.call("POST", "/api/markets/dong-van/stalls/import", {
        headers: { ...headers, "content-type": "application/json" },
        body: "{}",
      }),
  ],
  ["an unknown /api path", (headers) => h.call("GET", "/api/nothing-here", { headers })],
  [
    "an unknown invitation",
    (headers) => h.call("POST", "/api/invitations/unknown-code-123/accept", { headers, token: null }),
  ],
];

describe("Accept-Language on error answers", () => {
  it.each(cases)(
    "%s: Vietnamese by default and for vi, English for en; code and paths the same",
    async (_, send) => {
      const none = await send({});
      const vi = await send({ "accept-language": "vi-VN,vi;q=0.9,en;q=0.5" });
      const en = await send({ "accept-language": "en-GB,en;q=0.8" });
      expect(none.status).toBeGreaterThanOrEqual(400);
      expect(vi.status).toBe(none.status);
      expect(en.status).toBe(none.status);
      for (const a of [none, vi]) {
        expect(a.body).toEqual(vi.body);
        const texts = [
          a.body.error.message,
          ...(a.body.error.issues ?? []).map((i: { message: string }) => i.message),
        ];
        for (const text of texts) expect(text, text).not.toMatch(ENGLISH);
      }
      expect(en.body.error.code).toBe(vi.body.error.code);
      expect((en.body.error.issues ?? []).map((i: { path: string }) => i.path)).toEqual(
        (vi.body.error.issues ?? []).map((i: { path: string }) => i.path),
      );
      expect(en.body.error.message).not.toBe(vi.body.error.message);
      expect(en.body.error.message).toMatch(/^[\x20-\x7e]+$/);
    },
  );

  it("says what is wrong in a manager's words, field by field", async () => {
    const res = await cases[0]![1]({});
    expect(res.body.error.message).toBe("Thông tin gửi lên chưa hợp lệ; xem các ô được đánh dấu");
    expect(res.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "vendorName", message: "Bắt buộc, chưa điền" },
        {
          path: "bank.accountNumber",
          message: "Số tài khoản chỉ gồm 1–19 chữ số hoặc chữ cái, không dấu cách",
        },
      ]),
    );
    const en = await cases[0]![1]({ "accept-language": "en" });
    expect(en.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "vendorName", message: "Required" },
        { path: "bank.accountNumber", message: "1 to 19 letters or digits" },
      ]),
    );
  });
});

describe("languageOf and translate", () => {
  it("picks the preferred of vi and en, Vietnamese when neither is asked for", () => {
    expect(languageOf(undefined)).toBe("vi");
    expect(languageOf("fr-FR,fr;q=0.9")).toBe("vi");
    expect(languageOf("en;q=0.4, vi;q=0.8")).toBe("vi");
    expect(languageOf("fr, en-US;q=0.7")).toBe("en");
    expect(languageOf("vi;q=0, en")).toBe("en");
  });

  it("never returns an English sentence for vi, even for a message the catalogue lacks", () => {
    expect(translate("Some brand-new message nobody translated", "vi")).not.toMatch(ENGLISH);
    expect(translate("Stall code 'A-1' is already used in this market", "vi")).toBe(
      "Mã quầy 'A-1' đã có trong chợ này",
    );
  });
});

describe("incidents filed once per Idempotency-Key", () => {
  it("a double submission files one incident; the repeat answers 200 with it", async () => {
    const body = { startedAt: "2026-11-26T01:00:00Z", cause: "power" };
    const headers = { "idempotency-key": "double-click-0001" };
    const [a, b] = await Promise.all([
      h.call("POST", "/api/markets/dong-van/incidents", { body, headers }),
      h.call("POST", "/api/markets/dong-van/incidents", { body, headers }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    const c = await h.call("POST", "/api/markets/dong-van/incidents", { body, headers });
    expect(c.status).toBe(200);
    const list = await h.call("GET", "/api/markets/dong-van/incidents?from=2026-11-01&to=2026-11-30");
    expect(list.body.items.filter((i: { id: string }) => i.id === a.body.id)).toHaveLength(1);
    expect(list.body.items).toHaveLength(1);
  });
});
