import { BillItem } from "@market40/core/fee/billItem";
import { BillRefItem } from "@market40/core/fee/billRefItem";
import { issueForMarket } from "@market40/core/fee/bills";
import { commit } from "@market40/core/store/transact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";
import { ORIGIN, signedInPerson, signInOverHttp } from "./support/softAuthenticator";

/**
 * Every route × every kind of caller. A caller not in `allowed` must get 403 (or 401 without a valid
 * key), and an allowed one a 2xx: a manager can never reach another market, a vendor another stall. People signed
 * in with a passkey (docs/contract.md §19) call with their session's token and have exactly their role's rights:
 * a manager person's session may do what a manager key may, and no more — plus what only a person does for
 * themself (their sessions, a second device), which no key may.
 */
type KeyCaller = "admin" | "manager" | "otherManager" | "vendor" | "otherVendor" | "liaison" | "device";
type PersonCaller = "adminPerson" | "managerPerson" | "otherManagerPerson" | "liaisonPerson";
type Caller = KeyCaller | PersonCaller;
/** Whose rights each signed-in person has. */
const AS_KEY: Record<PersonCaller, KeyCaller> = {
  adminPerson: "admin",
  managerPerson: "manager",
  otherManagerPerson: "otherManager",
  liaisonPerson: "liaison",
};
const PEOPLE = Object.keys(AS_KEY) as PersonCaller[];
const CALLERS: Caller[] = [
  "admin",
  "manager",
  "otherManager",
  "vendor",
  "otherVendor",
  "liaison",
  "device",
  ...PEOPLE,
];
const mayCall = (allowed: Caller[], caller: Caller) =>
  allowed.includes(caller) || (caller in AS_KEY && allowed.includes(AS_KEY[caller as PersonCaller]));

let h: Harness;
let tokens: Record<Caller, string>;
let stallId: string;
let incidentId: string;
let personId: string;
let inviteeId: string;
let billId: string;
let n = 0;
const unique = () => `R-${++n}`;

interface Case {
  name: string;
  allowed: Caller[];
  request: () => { method: string; path: string; body?: unknown; headers?: Record<string, string> };
}

const CASES: Case[] = [
  {
    name: "POST /markets",
    allowed: ["admin"],
    request: () => ({ method: "POST", path: "/api/markets", body: { ...DONG_VAN, id: `m-${++n}` } }),
  },
  {
    name: "GET /markets",
    allowed: ["admin", "manager", "otherManager", "liaison"],
    request: () => ({ method: "GET", path: "/api/markets" }),
  },
  {
    name: "GET /markets/{id}",
    allowed: ["admin", "manager", "liaison"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van" }),
  },
  {
    name: "GET /markets/{id}/sessions",
    allowed: ["admin", "manager", "liaison"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/sessions?from=2026-12-01&to=2026-12-31" }),
  },
  {
    name: "PATCH /markets/{id}",
    allowed: ["admin", "manager"],
    request: () => ({ method: "PATCH", path: "/api/markets/dong-van", body: { closures: ["2026-02-17"] } }),
  },
  {
    name: "POST /markets/{id}/stalls",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "POST",
      path: "/api/markets/dong-van/stalls",
      body: stallInput(unique(), `77${n}`),
    }),
  },
  {
    name: "GET /markets/{id}/stalls",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/stalls" }),
  },
  {
    name: "POST /markets/{id}/stalls/import",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "POST",
      path: "/api/markets/dong-van/stalls/import",
      body: `code,vendorName,phone,category,bankBin,accountNumber,accountName\n${unique()},Lù Thị Dợ,,rau,970405,66${n},LU THI DO\n`,
      headers: { "content-type": "text/csv" },
    }),
  },
  {
    name: "GET /stalls/{id}",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}` }),
  },
  {
    name: "PATCH /stalls/{id}",
    allowed: ["admin", "manager"],
    request: () => ({ method: "PATCH", path: `/api/stalls/${stallId}`, body: { category: "rau" } }),
  },
  {
    name: "POST /keys",
    allowed: ["admin"],
    request: () => ({ method: "POST", path: "/api/keys", body: { role: "liaison" } }),
  },
  {
    name: "POST /people (a co-manager of dong-van)",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "POST",
      path: "/api/people",
      body: { name: `Người ${++n}`, role: "manager", marketId: "dong-van" },
    }),
  },
  {
    name: "GET /people?marketId",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/people?marketId=dong-van" }),
  },
  {
    name: "POST /people/{id}/suspend (a dong-van manager)",
    allowed: ["admin", "manager"],
    request: () => ({ method: "POST", path: `/api/people/${personId}/suspend` }),
  },
  {
    name: "POST /people/{id}/invitations (join, a dong-van manager)",
    allowed: ["admin", "manager"],
    request: () => ({ method: "POST", path: `/api/people/${inviteeId}/invitations`, body: {} }),
  },
  {
    name: "POST /people/{id}/invitations (recovery)",
    allowed: ["admin"],
    request: () => ({
      method: "POST",
      path: `/api/people/${inviteeId}/invitations`,
      body: { purpose: "recovery" },
    }),
  },
  {
    name: "GET /people/{id}/invitations",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: `/api/people/${inviteeId}/invitations` }),
  },
  { name: "GET /keys", allowed: ["admin"], request: () => ({ method: "GET", path: "/api/keys" }) },
  { name: "GET /me", allowed: CALLERS, request: () => ({ method: "GET", path: "/api/me" }) },
  {
    name: "DELETE /people/{id}/sessions (a dong-van manager)",
    allowed: ["admin", "manager"],
    request: () => ({ method: "DELETE", path: `/api/people/${inviteeId}/sessions` }),
  },
  {
    name: "GET /auth/sessions",
    allowed: PEOPLE,
    request: () => ({ method: "GET", path: "/api/auth/sessions" }),
  },
  {
    name: "POST /auth/devices",
    allowed: PEOPLE,
    request: () => ({ method: "POST", path: "/api/auth/devices" }),
  },
  {
    name: "POST /auth/logout",
    allowed: CALLERS,
    // Each caller signs out of a session of its own made for this case, so the matrix's own go on.
    request: () => ({ method: "POST", path: "/api/auth/logout" }),
  },
  {
    name: "GET /stalls/{id}/qr",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/qr` }),
  },
  {
    name: "GET /stalls/{id}/qr.png",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/qr.png?size=128` }),
  },
  {
    name: "GET /stalls/{id}/qr.svg",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/qr.svg` }),
  },
  {
    name: "GET /stalls/{id}/poster.pdf",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/poster.pdf` }),
  },
  {
    name: "GET /markets/{id}/posters.pdf",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/posters.pdf" }),
  },
  {
    name: "GET /stalls/{id}/transactions",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({
      method: "GET",
      path: `/api/stalls/${stallId}/transactions?from=2026-11-01&to=2026-11-30`,
    }),
  },
  {
    name: "GET /markets/{id}/transactions",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "GET",
      path: "/api/markets/dong-van/transactions?from=2026-11-01&to=2026-11-30",
    }),
  },
  {
    name: "GET /callbacks/unmatched",
    allowed: ["admin"],
    request: () => ({ method: "GET", path: "/api/callbacks/unmatched" }),
  },
  {
    name: "POST /reconciliation/{provider}",
    allowed: ["admin"],
    request: () => ({
      method: "POST",
      path: "/api/reconciliation/generic",
      body: "id,paidAt,accountNumber,amount,description\n",
      headers: { "content-type": "text/csv" },
    }),
  },
  {
    name: "PUT /reconciliation/mappings/{bin}",
    allowed: ["admin"],
    request: () => ({
      method: "PUT",
      path: "/api/reconciliation/mappings/970405",
      body: {
        id: "Số bút toán",
        paidAt: "Ngày giao dịch",
        amount: "Ghi có",
        fixedAccountNumber: "0123456789",
      },
    }),
  },
  {
    name: "GET /reconciliation/mappings/{bin}",
    allowed: ["admin"],
    request: () => ({ method: "GET", path: "/api/reconciliation/mappings/970405" }),
  },
  {
    name: "GET /markets/{id}/uptake",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/uptake?from=2026-11-01&to=2026-11-30" }),
  },
  {
    name: "POST /markets/{id}/incidents",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "POST",
      path: "/api/markets/dong-van/incidents",
      body: { startedAt: "2026-11-20T01:00:00Z", endedAt: "2026-11-20T02:00:00Z", cause: "network" },
    }),
  },
  {
    name: "GET /markets/{id}/incidents",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/incidents?from=2026-11-01&to=2026-11-30" }),
  },
  {
    name: "PATCH /incidents/{id}",
    allowed: ["admin", "manager"],
    request: () => ({ method: "PATCH", path: `/api/incidents/${incidentId}`, body: { note: "ok" } }),
  },
  {
    name: "PUT /markets/{id}/fees/account",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "PUT",
      path: "/api/markets/dong-van/fees/account",
      body: { bin: "970436", accountNumber: "0451000999888", accountName: "BQL CHO DONG VAN" },
    }),
  },
  {
    name: "GET /markets/{id}/fees/account",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/fees/account" }),
  },
  {
    name: "PUT /markets/{id}/fees/schedule",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "PUT",
      path: "/api/markets/dong-van/fees/schedule",
      body: { rates: [{ appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2027-01-01" }] },
    }),
  },
  {
    name: "GET /markets/{id}/fees/schedule",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/fees/schedule" }),
  },
  {
    name: "GET /markets/{id}/fees/bills",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/fees/bills?month=2026-11" }),
  },
  {
    name: "GET /markets/{id}/fees/bills/{billId}",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/markets/dong-van/fees/bills/${billId}` }),
  },
  {
    name: "GET /markets/{id}/fees/bills/{billId}/qr",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/markets/dong-van/fees/bills/${billId}/qr` }),
  },
  {
    name: "GET /markets/{id}/fees/bills/{billId}/qr.png",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/markets/dong-van/fees/bills/${billId}/qr.png?size=128` }),
  },
  {
    name: "GET /stalls/{id}/bills",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/bills` }),
  },
  {
    name: "GET /markets/{id}/fees/payments/waiting",
    allowed: ["admin", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/fees/payments/waiting" }),
  },
  {
    name: "GET /markets/{id}/fees/payments",
    allowed: ["admin", "manager"],
    request: () => ({
      method: "GET",
      path: "/api/markets/dong-van/fees/payments?from=2026-11-01&to=2026-11-30",
    }),
  },
  {
    name: "GET /markets/{id}/fees/bills/{billId}/receipt.pdf",
    allowed: ["admin", "manager", "vendor"],
    request: () => ({
      method: "GET",
      path: `/api/markets/dong-van/fees/bills/2026-11-22_${stallId}/receipt.pdf`,
    }),
  },
  {
    name: "GET /audit?marketId",
    allowed: ["admin", "manager", "liaison"],
    request: () => ({ method: "GET", path: "/api/audit?marketId=dong-van" }),
  },
  {
    name: "GET /audit (every market)",
    allowed: ["admin", "liaison"],
    request: () => ({ method: "GET", path: "/api/audit" }),
  },
  {
    name: "GET /stalls/{id}/audit",
    allowed: ["admin", "manager", "vendor", "liaison"],
    request: () => ({ method: "GET", path: `/api/stalls/${stallId}/audit` }),
  },
  {
    name: "POST /markets/{id}/heartbeats",
    allowed: ["device"],
    request: () => ({
      method: "POST",
      path: "/api/markets/dong-van/heartbeats",
      body: { beats: [{ at: "2026-11-25T01:00:00Z", ok: true }] },
    }),
  },
  {
    name: "POST /evaluations/run",
    allowed: ["admin"],
    request: () => ({
      method: "POST",
      path: "/api/evaluations/run",
      body: { period: "2026-10", marketId: "dong-van" },
    }),
  },
  {
    name: "GET /evaluations",
    allowed: ["admin", "liaison"],
    request: () => ({ method: "GET", path: "/api/evaluations?period=2026-10" }),
  },
  {
    name: "GET /evaluations?format=xlsx",
    allowed: ["admin", "liaison"],
    request: () => ({ method: "GET", path: "/api/evaluations?period=2026-10&format=xlsx" }),
  },
  {
    name: "GET /evaluations?format=pdf",
    allowed: ["admin", "liaison"],
    request: () => ({ method: "GET", path: "/api/evaluations?period=2026-10&format=pdf" }),
  },
  {
    name: "GET /markets/{id}/evaluations",
    allowed: ["admin", "liaison", "manager"],
    request: () => ({ method: "GET", path: "/api/markets/dong-van/evaluations" }),
  },
];

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac" } });
  stallId = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "1001") })).body
    .id;
  const other = (await h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput("A-1", "1002") }))
    .body.id;
  // A paid fee bill of the stall (what settlement writes), for its receipt.
  const bill = {
    marketId: "dong-van",
    stallId,
    stallCode: "A-1",
    period: "session" as const,
    periodKey: "2026-11-22",
    amount: 20_000,
    reference: "PHI A1 2211",
    dueOn: "2026-11-22",
    status: "paid" as const,
    paid: 20_000,
    paidQr: 20_000,
    paidCash: 0,
    excess: 0,
    payments: [],
    rev: 1,
    issuedAt: "2026-11-22T00:00:00Z",
    settledAt: "2026-11-22T01:00:00Z",
  };
  await commit(h.store, [
    BillItem.create(h.store, bill),
    BillRefItem.claim(h.store, bill.reference, { marketId: "dong-van", periodKey: "2026-11-22", stallId }),
  ]);
  tokens = {
    admin: h.adminToken,
    manager: await h.token("manager", { marketId: "dong-van" }),
    otherManager: await h.token("manager", { marketId: "meo-vac" }),
    vendor: await h.token("vendor", { stallId, marketId: "dong-van" }),
    otherVendor: await h.token("vendor", { stallId: other, marketId: "meo-vac" }),
    liaison: await h.token("liaison"),
    device: await h.token("device", { marketId: "dong-van" }),
    adminPerson: "",
    managerPerson: "",
    otherManagerPerson: "",
    liaisonPerson: "",
  };
  h.deps.config.publicUrl = ORIGIN;
  for (const [caller, person] of [
    ["adminPerson", { name: "Quản trị viên", role: "admin" }],
    ["managerPerson", { name: "Hoàng Văn Sơn", role: "manager", marketId: "dong-van" }],
    ["otherManagerPerson", { name: "Mua Thị Sú", role: "manager", marketId: "meo-vac" }],
    ["liaisonPerson", { name: "Cán bộ NHNN", role: "liaison" }],
  ] as const) {
    const signedIn = await signedInPerson(h, person);
    tokens[caller] = signedIn.token;
    devices.set(caller, signedIn.device);
  }
  personId = (
    await h.call("POST", "/api/people", {
      body: { name: "Vàng Thị Dung", role: "manager", marketId: "dong-van" },
    })
  ).body.id;
  inviteeId = (
    await h.call("POST", "/api/people", {
      body: { name: "Sùng Mí Chá", role: "manager", marketId: "dong-van" },
    })
  ).body.id;
  // One open fee bill of the vendor's stall: the session of Sunday 29 November (issued by the daily job's step).
  await h.call("PUT", "/api/markets/dong-van/fees/account", {
    body: { bin: "970436", accountNumber: "0451000999888", accountName: "BQL CHO DONG VAN" },
  });
  await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
    body: { rates: [{ appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2026-11-01" }] },
  });
  const now = h.clock.now();
  h.clock.set("2026-11-29T10:00:00Z");
  await issueForMarket(h.deps, "dong-van");
  h.clock.set(now);
  billId = `2026-11-29_${stallId}`;
  // Reported by the market's manager: it may change it; an admin-reported one only an admin may (attribution test).
  incidentId = (
    await h.call("POST", "/api/markets/dong-van/incidents", {
      body: { startedAt: "2026-11-20T01:00:00Z", cause: "power" },
      token: tokens.manager,
    })
  ).body.id;
});
afterAll(() => h.close());

const devices = new Map<PersonCaller, Awaited<ReturnType<typeof signedInPerson>>["device"]>();
/** Another session of a signed-in caller (its device signs in again, bearer). */
async function secondSession(caller: PersonCaller): Promise<string> {
  const res = await signInOverHttp(h, devices.get(caller)!, { transport: "bearer" });
  return res.body.token;
}

describe.each(CASES)("$name", ({ name, allowed, request }) => {
  it.each(CALLERS)("as %s", async (caller) => {
    const req = request();
    // Signing out ends the caller's session: a person signs out of a second session, made for it.
    const token =
      name === "POST /auth/logout" && caller in AS_KEY
        ? await secondSession(caller as PersonCaller)
        : tokens[caller];
    const res = await h.call(req.method, req.path, { token, body: req.body, headers: req.headers });
    if (mayCall(allowed, caller)) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
  });

  it("without a key, or with an unknown one, is 401", async () => {
    const req = request();
    for (const token of [null, "m40_unknownunknownunknown", "not a token"]) {
      const res = await h.call(req.method, req.path, { token, body: req.body, headers: req.headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });
});

describe("keys", () => {
  it("shows the token once, stores only its hash, and revokes", async () => {
    const created = await h.call("POST", "/api/keys", {
      body: { role: "manager", marketId: "dong-van", label: "BQL chợ" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: "manager", marketId: "dong-van", label: "BQL chợ" });
    expect(created.body.token).toMatch(/^m40_[A-Za-z0-9_-]{43}$/);
    const list = await h.call("GET", "/api/keys?limit=500");
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
    const scan = await h.store.doc.send(new ScanCommand({ TableName: h.store.table }));
    expect(JSON.stringify(scan.Items)).not.toContain(created.body.token);
    expect((await h.call("GET", "/api/me", { token: created.body.token })).status).toBe(200);
    expect((await h.call("DELETE", `/api/keys/${created.body.id}`)).status).toBe(200);
    expect((await h.call("GET", "/api/me", { token: created.body.token })).status).toBe(401);
  });

  it("needs a real market for a manager and a real stall for a vendor", async () => {
    expect((await h.call("POST", "/api/keys", { body: { role: "manager" } })).status).toBe(400);
    expect(
      (await h.call("POST", "/api/keys", { body: { role: "manager", marketId: "nowhere" } })).status,
    ).toBe(400);
    expect((await h.call("POST", "/api/keys", { body: { role: "vendor", stallId: "nope" } })).status).toBe(
      400,
    );
    expect((await h.call("POST", "/api/keys", { body: { role: "root" } })).status).toBe(400);
    const vendor = await h.call("POST", "/api/keys", { body: { role: "vendor", stallId } });
    expect(vendor.body).toMatchObject({ role: "vendor", stallId, marketId: "dong-van" });
  });

  it("a manager sees only its own market in the list", async () => {
    const res = await h.call("GET", "/api/markets", { token: tokens.manager });
    expect(res.body.items.map((m: { id: string }) => m.id)).toEqual(["dong-van"]);
  });
});
