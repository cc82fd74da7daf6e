import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import * as ApiKeys from "@market40/core/auth/keys";
import { fixedClock } from "@market40/core/clock";
import { type AppConfig, logLevelOf, type ProviderSecrets } from "@market40/core/config";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { createApp } from "@market40/functions/api/app";
import type { Deps } from "@market40/functions/api/context";
import { createLogger } from "@market40/functions/log";

/** One value per entry of core's `PROVIDER_SECRET_NAMES`; payOS's and Casso's are their published samples' keys. */
export const TEST_SECRETS: ProviderSecrets = {
  generic: "test-generic-secret",
  payos: "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675",
  sepay: "test-sepay-api-key",
  sepayWebhookSecret: "test-sepay-webhook-secret",
  casso: "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
  cassoSecureToken: "test-casso-secure-token",
};

export const TEST_PAYER_KEY = "test-payer-key";

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered
type AnyJson = any;

export interface Harness {
  deps: Deps;
  store: Store;
  clock: ReturnType<typeof fixedClock>;
  app: ReturnType<typeof createApp>;
  adminToken: string;
  /** `app.request` with JSON and a bearer token. */
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: AnyJson; headers: Headers }>;
  /** Creates a key with the role and returns its token. */
  token(role: ApiKeys.Role, scope?: { marketId?: string; stallId?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A fresh table on the DynamoDB (Local) at `endpoint`, the app over it, and an admin token. */
export async function harness(endpoint: string, now = "2026-11-26T03:00:00Z"): Promise<Harness> {
  const tableName = `t_${randomBytes(6).toString("hex")}`;
  // Tests call the app many times a second from one "address": limits high enough not to get in the way
  // (test/ratelimit.test.ts checks the limits themselves).
  const config: AppConfig = {
    tableName,
    endpoint,
    secrets: TEST_SECRETS,
    payerKey: TEST_PAYER_KEY,
    stage: "test",
    publicUrl: "http://localhost",
    rateLimits: { failedAuthPerIp: 100_000, requestsPerKey: 100_000 },
  };
  const store = createStore(config);
  await ensureTable(store, { stream: false });
  const clock = fixedClock(now);
  // Quiet unless LOG_LEVEL asks otherwise: a failing test can be re-run with its server's log.
  const logger = createLogger(logLevelOf(process.env.LOG_LEVEL, "SILENT"));
  const deps: Deps = { store, clock, config, logger };
  const app = createApp(deps);
  const { token: adminToken } = await ApiKeys.create(store, clock, {
    role: "admin",
    label: "Quản trị (kiểm thử)",
  });
  const h: Harness = {
    deps,
    store,
    clock,
    app,
    adminToken,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const token = opts.token === undefined ? adminToken : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: BodyInit | undefined;
      if (opts.body !== undefined) {
        if (typeof opts.body === "string" || opts.body instanceof Uint8Array) body = opts.body as BodyInit;
        else {
          body = JSON.stringify(opts.body);
          headers["content-type"] ??= "application/json";
        }
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async token(role, scope = {}) {
      return (await ApiKeys.create(store, clock, { role, ...scope })).token;
    },
    async close() {
      await store.doc.send(new DeleteTableCommand({ TableName: tableName }));
      store.doc.destroy();
    },
  };
  return h;
}

export const DONG_VAN = {
  id: "dong-van",
  name: "Chợ phiên Đồng Văn",
  province: "Tuyên Quang",
  commune: "Đồng Văn",
  legacyDistrict: "Đồng Văn",
  launchedOn: "2026-01-01",
  schedule: { kind: "weekly" as const, days: [7] },
  hours: { open: "05:00", close: "12:00" },
  closures: ["2026-02-17"],
};

export const stallInput = (code: string, accountNumber: string, bin = "970405") => ({
  code,
  vendorName: "Giàng Thị Mai",
  phone: "0912345678",
  category: "rau",
  bank: { bin, accountNumber, accountName: "Giàng Thị Mai" },
});
