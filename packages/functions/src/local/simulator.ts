import { randomInt } from "node:crypto";
import { localDateOf } from "@market40/core/calendar/localDate";
import { sessionsBetween } from "@market40/core/calendar/sessions";
import type { Provider } from "@market40/core/config";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import { DELIVERY_MODES, type SimulatedPayment, signAs } from "@market40/devkit/providerClients";
import type { Deps } from "../api/context";

const PROVIDERS: [Provider, number][] = [
  ["generic", 40],
  ["sepay", 30],
  ["casso", 20],
  ["payos", 10],
];

function pickProvider(): Provider {
  let r = randomInt(100);
  for (const [p, w] of PROVIDERS) {
    r -= w;
    if (r < 0) return p;
  }
  return "generic";
}

/** VND 5,000–500,000, most purchases small (log-uniform), rounded to 1,000. */
export function demoAmount(): number {
  const v = Math.exp(Math.log(5000) + Math.random() * (Math.log(500_000) - Math.log(5000)));
  return Math.max(5000, Math.round(v / 1000) * 1000);
}

/**
 * The demo's payment traffic (`SIMULATE=1`): every few seconds, a market in session now gets a payment at a random
 * stall, signed by a random provider in one of its delivery modes and posted through the real HTTP endpoint. About
 * 1 in 10 is redelivered (a duplicate) and 1 in 20 goes to an account no stall has (unmatched). Outside session hours
 * it stays quiet.
 */
export function startSimulator(deps: Deps, baseUrl: string, intervalMs = 6000) {
  let last: { provider: Provider; body: string; headers: Record<string, string> } | undefined;
  let stalls = new Map<string, { at: number; items: Stall.Stall[] }>();
  let sent = 0;

  async function tick() {
    const now = deps.clock.now();
    const today = localDateOf(now);
    if (last && Math.random() < 0.1) {
      await post(last);
      return;
    }
    const open = (await Market.all(deps.store)).filter((m) =>
      sessionsBetween(m, today, today).some(
        (s) => Date.parse(s.opensAt) <= now.getTime() && now.getTime() < Date.parse(s.closesAt),
      ),
    );
    if (open.length === 0) return;
    const market = open[randomInt(open.length)]!;
    let cached = stalls.get(market.id);
    if (!cached || Date.now() - cached.at > 5 * 60_000) {
      cached = {
        at: Date.now(),
        items: (await Stall.allOfMarket(deps.store, market.id)).filter((s) => s.status === "active"),
      };
      stalls.set(market.id, cached);
    }
    const stall = cached.items[randomInt(Math.max(1, cached.items.length))];
    if (!stall) return;
    const unmatched = Math.random() < 0.05;
    const payment: SimulatedPayment = {
      id: `SIM${now.getTime()}${randomInt(1000).toString().padStart(3, "0")}`,
      bin: stall.bank.bin,
      accountNumber: unmatched ? `99${randomInt(1e9)}` : stall.bank.accountNumber,
      bankShortName: stall.bank.bankName,
      amount: demoAmount(),
      paidAt: now,
      description: `${stall.code.replace(/[^A-Za-z0-9]/g, "")} ${stall.category ?? "hang"}`,
      payer: `payer-${randomInt(400)}`,
    };
    const provider = pickProvider();
    // Each of the provider's set-ups in turn at random: SePay's API key or HMAC, Casso's v2 (Node- or PHP-signed)
    // or legacy webhook.
    const modes: readonly string[] = DELIVERY_MODES[provider];
    const mode = modes[randomInt(modes.length)] as never;
    last = { ...signAs(provider, payment, deps.config.secrets, now, mode) };
    await post(last);
  }

  async function post(req: { provider: Provider; body: string; headers: Record<string, string> }) {
    const res = await fetch(`${baseUrl}/api/callbacks/${req.provider}`, {
      method: "POST",
      body: req.body,
      headers: req.headers,
    });
    sent++;
    if (res.status !== 200)
      deps.logger.warn("simulated callback refused", { provider: req.provider, status: res.status });
  }

  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped)
      tick().catch((err) => deps.logger.warn("simulator tick failed", { error: (err as Error).message }));
  }, intervalMs);
  timer.unref();
  return {
    tick,
    sent: () => sent,
    stop() {
      stopped = true;
      clearInterval(timer);
      stalls = new Map();
    },
  };
}
