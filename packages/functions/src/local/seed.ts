import { SYSTEM } from "@market40/core/audit/audit";
import * as ApiKeys from "@market40/core/auth/keys";
import { fixedClock } from "@market40/core/clock";
import * as PersonInvitations from "@market40/core/invitation/personInvitations";
import * as Market from "@market40/core/market/market";
import * as People from "@market40/core/person/people";
import * as Stall from "@market40/core/stall/stall";
import type { Deps } from "../api/context";

/**
 * Demo data for a fresh local store: markets of the former Hà Giang (now Tuyên Quang) with the schedule
 * kinds of `reference/markets.md`, and a few dozen stalls each. Plausible, not authoritative: confirm
 * real schedules with each market board. Deterministic, so every newcomer sees the same data. The phiên markets
 * are public, so the public calendar page (`#/lich-cho`, docs/contract.md §21) has them to show.
 */
export const DEMO_MARKETS: Market.MarketInput[] = [
  {
    id: "dong-van",
    name: "Chợ phiên Đồng Văn",
    province: "Tuyên Quang",
    commune: "Đồng Văn",
    legacyDistrict: "Đồng Văn",
    launchedOn: "2025-06-01",
    schedule: { kind: "weekly", days: [7] },
    hours: { open: "05:00", close: "12:00" },
    public: true,
    closures: ["2026-02-15"],
  },
  {
    id: "meo-vac",
    name: "Chợ phiên Mèo Vạc",
    province: "Tuyên Quang",
    commune: "Mèo Vạc",
    legacyDistrict: "Mèo Vạc",
    launchedOn: "2025-07-01",
    schedule: { kind: "weekly", days: [7] },
    hours: { open: "05:00", close: "12:00" },
    public: true,
  },
  {
    id: "pho-bang",
    name: "Chợ lùi Phó Bảng",
    province: "Tuyên Quang",
    commune: "Phó Bảng",
    legacyDistrict: "Đồng Văn",
    launchedOn: "2025-09-01",
    schedule: { kind: "zodiac", animals: ["rat", "horse"] },
    hours: { open: "05:30", close: "12:00" },
    public: true,
  },
  {
    id: "sa-phin",
    name: "Chợ lùi Sà Phìn",
    province: "Tuyên Quang",
    commune: "Sà Phìn",
    legacyDistrict: "Đồng Văn",
    launchedOn: "2025-09-01",
    schedule: { kind: "zodiac", animals: ["snake", "pig"] },
    hours: { open: "05:30", close: "11:30" },
    public: true,
  },
  {
    id: "khau-vai",
    name: "Chợ phiên Khâu Vai",
    province: "Tuyên Quang",
    commune: "Khâu Vai",
    legacyDistrict: "Mèo Vạc",
    launchedOn: "2025-10-01",
    schedule: { kind: "lunar", days: [2, 7, 12, 17, 22, 27] },
    hours: { open: "05:00", close: "12:00" },
    public: true,
  },
  {
    id: "ha-giang-trung-tam",
    name: "Chợ trung tâm Hà Giang",
    province: "Tuyên Quang",
    commune: "Phường Hà Giang 1",
    legacyDistrict: "Thành phố Hà Giang",
    launchedOn: "2025-01-01",
    schedule: { kind: "daily" },
    hours: { open: "06:00", close: "18:00" },
    closures: ["2026-02-17", "2026-02-18"],
  },
  {
    id: "dong-yen",
    name: "Chợ Đồng Yên",
    province: "Tuyên Quang",
    commune: "Đồng Yên",
    legacyDistrict: "Bắc Quang",
    launchedOn: "2025-03-01",
    schedule: { kind: "daily" },
    hours: { open: "05:30", close: "17:30" },
  },
];

const FAMILY = [
  "Giàng",
  "Vàng",
  "Sùng",
  "Lù",
  "Thào",
  "Mua",
  "Hầu",
  "Lò",
  "Nguyễn",
  "Hoàng",
  "Nông",
  "Triệu",
  "Lý",
  "Đặng",
  "Phàn",
  "Ma",
];
const MIDDLE_F = ["Thị", "Thị", "Mỷ", "Thị Hoa"];
const MIDDLE_M = ["Văn", "Seo", "Mí", "A", "Chứ"];
const GIVEN_F = ["Mai", "Dợ", "Súa", "Chở", "Mỷ", "Lan", "Hương", "Dung", "Pà", "Say", "Hoa", "Nhung"];
const GIVEN_M = ["Páo", "Chá", "Sính", "Tủa", "Dìn", "Minh", "Quân", "Hùng", "Chúng", "Lử", "Tuấn", "Thắng"];
const CATEGORIES = [
  "rau",
  "thịt",
  "thổ cẩm",
  "rượu ngô",
  "thắng cố",
  "nông cụ",
  "gia súc",
  "mèn mén",
  "tạp hoá",
  "hoa quả",
];
/** Banks weighted as in the highlands: Agribank first, then the e-wallets. */
const BANK_WEIGHTS: [string, number][] = [
  ["970405", 50],
  ["971005", 15],
  ["971011", 10],
  ["970418", 10],
  ["970415", 6],
  ["970436", 5],
  ["970422", 4],
];

/** A small deterministic PRNG (mulberry32), so the demo is the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoStalls(marketIndex: number, count: number): Stall.StallInput[] {
  const rnd = random(4000 + marketIndex);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join("");
  const total = BANK_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const stalls: Stall.StallInput[] = [];
  for (let i = 1; i <= count; i++) {
    const female = rnd() < 0.65;
    const name = `${pick(FAMILY)} ${female ? pick(MIDDLE_F) : pick(MIDDLE_M)} ${female ? pick(GIVEN_F) : pick(GIVEN_M)}`;
    let r = rnd() * total;
    let bin = "970405";
    for (const [candidate, weight] of BANK_WEIGHTS) {
      r -= weight;
      if (r < 0) {
        bin = candidate;
        break;
      }
    }
    const phone = `09${digits(8)}`;
    const accountNumber =
      bin === "971005" || bin === "971011"
        ? phone
        : bin === "970405"
          ? `${8300 + marketIndex}${digits(9)}`
          : digits(12);
    stalls.push({
      code: `${String.fromCharCode(65 + Math.floor((i - 1) / 10))}-${String(i).padStart(2, "0")}`,
      vendorName: name,
      phone,
      category: pick(CATEGORIES),
      bank: { bin, accountNumber, accountName: Stall.qrAccountName(name) },
    });
  }
  return stalls;
}

/** Loads the demo into an empty store; does nothing when any market exists. */
export async function seedIfEmpty(deps: Deps): Promise<{ markets: number; stalls: number } | undefined> {
  const { store } = deps;
  // The demo's stalls were registered (and their codes printed) two months ago, so past months have data.
  const clock = fixedClock(new Date(deps.clock.now().getTime() - 60 * 86_400_000));
  const existing = await Market.list(store, { limit: 1 });
  if (existing.items.length > 0) return undefined;
  let stalls = 0;
  for (const [i, input] of DEMO_MARKETS.entries()) {
    await Market.create(store, clock, input);
    const demo = demoStalls(i, 24 + ((i * 7) % 17));
    for (const s of demo) {
      try {
        await Stall.register(store, clock, SYSTEM, input.id, s);
        stalls++;
      } catch {
        // a random account collided: skip it, the demo needs no particular stall
      }
    }
  }
  return { markets: DEMO_MARKETS.length, stalls };
}

/** Keys to try each role with, printed once when the demo is loaded. */
export async function demoKeys(deps: Deps) {
  const { store, clock } = deps;
  const first = await Stall.listByMarket(store, "dong-van", { limit: 1 });
  const keys = [
    await ApiKeys.create(store, clock, {
      role: "manager",
      marketId: "dong-van",
      label: "demo: quản lý chợ Đồng Văn",
    }),
    await ApiKeys.create(store, clock, { role: "liaison", label: "demo: liên lạc ngân hàng tỉnh" }),
  ];
  const stall = first.items[0];
  if (stall)
    keys.push(
      await ApiKeys.create(store, clock, {
        role: "vendor",
        stallId: stall.id,
        marketId: stall.marketId,
        label: `demo: tiểu thương ${stall.code}`,
      }),
    );
  return keys.map((k) => ({ role: k.role, label: k.label, token: k.token }));
}

/**
 * A demo market manager who signs in as a person (docs/contract.md §19): her invitation, to open in a browser and
 * make a passkey. Made by a demo admin key, so the invitation lives as long as that key does.
 */
export async function demoInvitation(deps: Deps, baseUrl: string): Promise<{ name: string; url: string }> {
  const { keyId } = await ApiKeys.create(deps.store, deps.clock, {
    role: "admin",
    label: "demo: lời mời cán bộ",
  });
  const admin = { keyId, role: "admin" as const };
  const person = await People.create(deps, admin, {
    name: "Lò Thị Mai",
    role: "manager",
    marketId: "dong-van",
  });
  const { url } = await PersonInvitations.invite(deps, admin, person.id, "join", baseUrl);
  return { name: person.name, url };
}

/**
 * A month of past payments for the demo markets, through the same exactly-once path as callbacks, so the
 * dashboards and evaluations have something to show at any hour. Deterministic ids: running it twice adds nothing.
 */
export async function seedHistory(deps: Deps, days = 45): Promise<{ payments: number }> {
  const { ingest } = await import("@market40/core/callback/ingest");
  const { sessionsBetween } = await import("@market40/core/calendar/sessions");
  const { localDateOf, addDays } = await import("@market40/core/calendar/localDate");
  const rnd = random(99);
  const today = localDateOf(deps.clock.now());
  let payments = 0;
  for (const market of await Market.all(deps.store)) {
    const stalls = (await Stall.allOfMarket(deps.store, market.id)).filter((s) => s.status === "active");
    // Most vendors have put up their poster; some have not yet.
    const withQr = stalls.filter(() => rnd() < 0.8);
    await Stall.markManyQrIssued(
      deps.store,
      fixedClock(new Date(deps.clock.now().getTime() - 45 * 86_400_000)),
      withQr,
    );
    const users = withQr.filter(() => rnd() < 0.6);
    for (const session of sessionsBetween(market, addDays(today, -days), addDays(today, -1))) {
      const open = Date.parse(session.opensAt);
      const span = Date.parse(session.closesAt) - open;
      for (const stall of users) {
        const n = Math.floor(rnd() * 3);
        for (let i = 0; i < n; i++) {
          const amount = Math.max(
            5000,
            Math.round(Math.exp(Math.log(5000) + rnd() * Math.log(100)) / 1000) * 1000,
          );
          await ingest(deps, {
            provider: "generic",
            providerTxnId: `DEMO-${market.id}-${session.date}-${stall.code}-${i}`,
            bin: stall.bank.bin,
            accountNumber: stall.bank.accountNumber,
            amount,
            direction: "in",
            paidAt: new Date(open + Math.floor(rnd() * span)).toISOString(),
            description: `${stall.code.replace(/[^A-Za-z0-9]/g, "")} ${stall.category ?? ""}`.trim(),
            payer: `demo-payer-${Math.floor(rnd() * 300)}`,
          });
          payments++;
        }
      }
    }
  }
  payments += await seedFees(deps, days);
  return { payments };
}

/** Where Đồng Văn's board collects its fees in the demo: an account no demo stall holds. */
const DEMO_BOARD = { bin: "970436", accountNumber: "0451000888999", accountName: "BQL CHO DONG VAN" };

/**
 * Market fees for the demo (docs/contract.md §20): Đồng Văn's board collects 5.000 ₫ a session, its bills issued as
 * the daily job would have issued them each week, most paid by QR (a board payment naming the bill's reference,
 * through the same exactly-once path), some in cash, some not yet. Deterministic ids: a second run adds nothing.
 */
async function seedFees(deps: Deps, days: number): Promise<number> {
  const { ingest } = await import("@market40/core/callback/ingest");
  const { addDays, localDateOf } = await import("@market40/core/calendar/localDate");
  const Board = await import("@market40/core/fee/board");
  const { issueForMarket } = await import("@market40/core/fee/bills");
  const Settlement = await import("@market40/core/fee/settlement");
  const rnd = random(7);
  const today = localDateOf(deps.clock.now());
  const from = addDays(today, -days);
  if (!(await Board.schedule(deps.store, "dong-van")).rates.length) {
    await Board.setBoardAccount(deps.store, deps.clock, SYSTEM, "dong-van", DEMO_BOARD);
    await Board.setSchedule(deps.store, deps.clock, SYSTEM, "dong-van", {
      rates: [{ appliesTo: { kind: "all" }, period: "session", amount: 5000, from }],
    });
  }
  for (let day = addDays(from, 7); day < today; day = addDays(day, 7))
    await issueForMarket({ store: deps.store, clock: fixedClock(new Date(`${day}T05:00:00Z`)) }, "dong-van");
  await issueForMarket(deps, "dong-van");
  let paid = 0;
  const months: string[] = [];
  for (let day = from; day <= today; day = addDays(day, 1))
    if (!months.includes(day.slice(0, 7))) months.push(day.slice(0, 7));
  for (const month of months) {
    const { items } = await Settlement.listBills(
      deps.store,
      deps.clock,
      "dong-van",
      { month },
      { limit: 500 },
    );
    for (const bill of items) {
      const r = rnd();
      if (bill.status !== "open" || bill.periodKey >= today || r > 0.85) continue;
      if (r < 0.65) {
        await ingest(deps, {
          provider: "generic",
          providerTxnId: `DEMO-FEE-${bill.id}`,
          bin: DEMO_BOARD.bin,
          accountNumber: DEMO_BOARD.accountNumber,
          amount: bill.amount,
          direction: "in",
          paidAt: new Date(
            Date.parse(`${bill.periodKey}T01:00:00Z`) + Math.floor(rnd() * 4 * 3600_000),
          ).toISOString(),
          description: `${bill.reference} nop phi cho`,
          payer: `demo-payer-${bill.stallCode}`,
        });
        paid++;
      } else
        await Settlement.recordCash(
          { store: deps.store, clock: fixedClock(new Date(`${bill.periodKey}T04:00:00Z`)) },
          SYSTEM,
          "dong-van",
          bill.id,
          { cashNote: "Thu tại quầy" },
        );
    }
  }
  return paid;
}
