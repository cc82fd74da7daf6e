import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderSecrets } from "@market40/core/config";
import { ProviderClients, type SignedRequest, type SimulatedPayment } from "./providerClients";

/** `YYYY-MM-DD HH:mm:ss` in Vietnam time, as SePay writes `transaction_date`. */
const localStamp = (at: Date) =>
  new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");

interface Held {
  /** SePay API v2's id (a UUID); its webhook carries a numeric id instead, so the two meet on the bank reference. */
  id: string;
  webhookId: number;
  payment: SimulatedPayment;
  webhookSuccess: 0 | 1;
}

/**
 * A local stand-in for SePay (docs/callbacks.md, "Pull sync"): it holds the transactions of linked accounts, posts
 * each one's webhook as SePay does (numeric `id`, `referenceCode`), and serves API v2's transaction list as
 * documented — `GET /v2/transactions` with `Authorization: Bearer <key>`, `since_id` (a UUID cursor: the items
 * after it, oldest first), `per_page` (default 20, at most 100), `transaction_date_sort`, `webhook_success`; items
 * with snake_case fields, integer amounts and Vietnam-time `transaction_date`; and 3 requests a second per IP,
 * else `429` with `Retry-After` and the `X-RateLimit-*` headers (checked before authentication).
 */
export class SepayStandIn {
  readonly held: Held[] = [];
  private server: Server | undefined;
  private buckets = new Map<string, { tokens: number; at: number }>();
  requests = 0;
  rateLimited = 0;
  private nextWebhookId = 500_000;

  constructor(
    private readonly apiKey: string,
    private readonly ratePerSecond = 3,
  ) {}

  /** A bank transaction lands in a linked account. */
  add(payment: SimulatedPayment): Held {
    const held: Held = { id: randomUUID(), webhookId: this.nextWebhookId++, payment, webhookSuccess: 0 };
    this.held.push(held);
    return held;
  }

  /**
   * Posts every webhook not yet acknowledged, as SePay signs it (API key mode), through `post` (which answers the
   * HTTP status the platform gave). A 2xx marks it delivered (`webhook_success: 1`), anything else leaves it for
   * SePay's retries — which, after its retry window, stop: the transaction then exists only in the API.
   */
  async deliverWebhooks(
    secrets: ProviderSecrets,
    now: Date,
    post: (req: SignedRequest) => Promise<number>,
  ): Promise<{ delivered: number; failed: number }> {
    return deliverPending(
      this.held.filter((h) => h.webhookSuccess !== 1),
      (h) => ProviderClients.sepay({ ...h.payment, providerId: h.webhookId }, secrets, now, "apikey"),
      (h) => {
        h.webhookSuccess = 1;
      },
      post,
    );
  }

  private item(h: Held) {
    const p = h.payment;
    return {
      id: h.id,
      bank_account_id: "f9e8d7c6-b5a4-3210-fedc-ba0987654321",
      bank_brand_name: p.bankShortName,
      account_number: p.accountNumber,
      sub_account: null,
      transaction_date: localStamp(p.paidAt),
      amount_in: p.amount,
      amount_out: 0,
      accumulated: 0,
      transaction_content: p.description,
      reference_number: p.reference ?? p.id,
      code: null,
      transfer_type: "in",
      webhook_success: h.webhookSuccess,
    };
  }

  /** True when the caller may make a request now (a token bucket of `ratePerSecond`, per IP). */
  private take(ip: string): boolean {
    const now = Date.now();
    const b = this.buckets.get(ip) ?? { tokens: this.ratePerSecond, at: now };
    b.tokens = Math.min(this.ratePerSecond, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    this.buckets.set(ip, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests++;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      const ip = req.socket.remoteAddress ?? "?";
      if (!this.take(ip)) {
        this.rateLimited++;
        return send(
          429,
          { status: "error", message: "Too many requests", error_code: "rate_limited" },
          {
            "retry-after": "1",
            "x-ratelimit-limit": String(this.ratePerSecond),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "1",
          },
        );
      }
      if (req.headers.authorization !== `Bearer ${this.apiKey}`)
        return send(401, {
          status: "error",
          message: "Invalid or disabled API key",
          error_code: "unauthorized",
        });
      const url = new URL(req.url ?? "/", "http://stand-in");
      if (req.method !== "GET" || url.pathname !== "/v2/transactions")
        return send(404, { status: "error", message: "Not found", error_code: "not_found" });
      const perPage = Number(url.searchParams.get("per_page") ?? "20");
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
        return send(422, {
          status: "error",
          message: "per_page must be 1 to 100",
          error_code: "validation_error",
        });
      let list = [...this.held];
      if (url.searchParams.get("transaction_date_sort") === "desc") list.reverse();
      const since = url.searchParams.get("since_id");
      if (since) {
        const at = list.findIndex((h) => h.id === since);
        if (at < 0)
          return send(422, { status: "error", message: "Unknown since_id", error_code: "validation_error" });
        list = list.slice(at + 1);
      }
      const ws = url.searchParams.get("webhook_success");
      if (ws === "0" || ws === "1") list = list.filter((h) => h.webhookSuccess === Number(ws));
      const data = list.slice(0, perPage).map((h) => this.item(h));
      send(200, {
        status: "success",
        data,
        meta: { pagination: { per_page: perPage, total: list.length, has_more: list.length > perPage } },
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface CassoHeld {
  /** Casso's own id; a transaction Casso lists again under a new id is a second record with the same `tid`. */
  id: number;
  payment: SimulatedPayment;
  delivered: boolean;
}

/** `YYYY-MM-DDTHH:mm:ss` in Vietnam time, as Casso's v2 list writes `when`. */
const cassoWhen = (at: Date) => new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19);

/**
 * A local stand-in for Casso (docs/callbacks.md, "Pull sync"): it posts each transaction's webhook v2 as Casso signs
 * it (numeric `data.id`, the bank's `reference`), and serves its transaction list as documented
 * (https://developer.casso.vn/casso-api/api/lay-giao-dich) — `GET /v2/transactions` with `Authorization: Apikey
 * <key>`, `fromDate` and `toDate` (Vietnam dates, inclusive; default the last 7 days to today), `page` (from 1),
 * `pageSize` (default 10), `sort` (`ASC` default, or `DESC`); the answer `{error: 0, message: "success", data: {page,
 * pageSize, nextPage, prevPage, totalPages, totalRecords, records}}` with records in Casso's field names (`id`,
 * `tid`, `description`, a signed `amount`, `cusum_balance`, `when`, `bankSubAccId`, `virtualAccount`, …,
 * `accountId`, `bankCodeName`). Casso publishes no rate limit; this one answers `429` with `Retry-After` past
 * `ratePerSecond` so the client's waiting is exercised.
 */
export class CassoStandIn {
  readonly held: CassoHeld[] = [];
  private server: Server | undefined;
  private nextId = 900_000;
  private window = { at: 0, count: 0 };
  requests = 0;
  rateLimited = 0;

  constructor(
    private readonly apiKey: string,
    private readonly today: () => Date,
    private readonly ratePerSecond = 5,
  ) {}

  /** A bank transaction lands in a linked account (`id`: Casso's, when a test names it). */
  add(payment: SimulatedPayment, id = this.nextId++): CassoHeld {
    const held: CassoHeld = { id, payment, delivered: false };
    this.held.push(held);
    return held;
  }

  /** Posts every webhook v2 not yet acknowledged, as Casso signs it; a 2xx marks it delivered. */
  async deliverWebhooks(
    secrets: ProviderSecrets,
    now: Date,
    post: (req: SignedRequest) => Promise<number>,
  ): Promise<{ delivered: number; failed: number }> {
    return deliverPending(
      this.held.filter((h) => !h.delivered),
      (h) => ProviderClients.casso({ ...h.payment, providerId: h.id }, secrets, now, "v2"),
      (h) => {
        h.delivered = true;
      },
      post,
    );
  }

  private record(h: CassoHeld) {
    const p = h.payment;
    return {
      id: h.id,
      tid: p.reference ?? p.id,
      description: p.description,
      amount: p.amount,
      cusum_balance: 0,
      when: cassoWhen(p.paidAt),
      bankSubAccId: p.accountNumber,
      paymentChannel: "",
      virtualAccount: "",
      virtualAccountName: "",
      corresponsiveName: "",
      corresponsiveAccount: "",
      corresponsiveBankId: "",
      corresponsiveBankName: "",
      accountId: 733,
      bankCodeName: "vcb",
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests++;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      const now = Date.now();
      if (now - this.window.at >= 1000) this.window = { at: now, count: 0 };
      if (++this.window.count > this.ratePerSecond) {
        this.rateLimited++;
        return send(429, { error: 429, message: "Too many requests", data: null }, { "retry-after": "1" });
      }
      if (req.headers.authorization !== `Apikey ${this.apiKey}`)
        return send(401, { error: 401, message: "Unauthorized", data: null });
      const url = new URL(req.url ?? "/", "http://stand-in");
      if (req.method !== "GET" || url.pathname !== "/v2/transactions")
        return send(404, { error: 404, message: "Not found", data: null });
      const date = (at: Date) => localStamp(at).slice(0, 10);
      const today = date(this.today());
      const fromDate =
        url.searchParams.get("fromDate") ?? date(new Date(this.today().getTime() - 7 * 86_400_000));
      const toDate = url.searchParams.get("toDate") ?? today;
      const page = Number(url.searchParams.get("page") ?? "1");
      const pageSize = Number(url.searchParams.get("pageSize") ?? "10");
      const sort = url.searchParams.get("sort") ?? "ASC";
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(fromDate) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(toDate) ||
        !Number.isInteger(page) ||
        page < 1 ||
        !Number.isInteger(pageSize) ||
        pageSize < 1 ||
        !["ASC", "DESC"].includes(sort)
      )
        return send(400, { error: 400, message: "Bad request", data: null });
      const list = this.held
        .filter((h) => date(h.payment.paidAt) >= fromDate && date(h.payment.paidAt) <= toDate)
        .sort((a, b) => a.payment.paidAt.getTime() - b.payment.paidAt.getTime() || a.id - b.id);
      if (sort === "DESC") list.reverse();
      const totalPages = Math.ceil(list.length / pageSize);
      send(200, {
        error: 0,
        message: "success",
        data: {
          page,
          pageSize,
          nextPage: page < totalPages ? page + 1 : null,
          prevPage: page > 1 ? page - 1 : null,
          totalPages,
          totalRecords: list.length,
          records: list.slice((page - 1) * pageSize, page * pageSize).map((h) => this.record(h)),
        },
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Posts each pending webhook in turn; a 2xx marks it delivered, anything else leaves it for the provider's retries. */
async function deliverPending<H>(
  pending: H[],
  request: (h: H) => SignedRequest,
  markDelivered: (h: H) => void,
  post: (req: SignedRequest) => Promise<number>,
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  for (const h of pending) {
    const status = await post(request(h));
    if (status >= 200 && status < 300) {
      markDelivered(h);
      delivered++;
    } else failed++;
  }
  return { delivered, failed };
}
