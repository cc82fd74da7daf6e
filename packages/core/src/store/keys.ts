/**
 * Every key pattern of the single table, in one place. Read with `docs/data-model.md`.
 * Each item also carries `type` (the entity) and `v` (its schema version).
 *
 * Access patterns and where they live:
 *  - market by id ............ pk MARKET#<id>            sk MARKET
 *  - all markets (byKind) .... gsi1 MARKETS              / <id>
 *  - stall by id ............. pk STALL#<stallId>        sk STALL
 *  - stalls of a market ...... gsi1 MARKET#<id>#STALLS   / <code>          (byMarket)
 *  - stall code uniqueness ... pk STALLCODE#<id>#<code>  sk UNIQUE
 *  - account -> stall ........ pk ACCT#<accountNumber>   sk BIN#<bin>       (byAccount; unique (bin, account))
 *  - API key by token hash ... pk KEY#<sha256>           sk KEY
 *  - API keys list ........... gsi1 KEYS                 / <keyId>
 *  - transaction ............. pk TXN#<provider>#<id>     sk TXN            (exactly-once guard + record)
 *  - stall's transactions .... gsi1 STALL#<sid>#TXNS      / <paidAt>#<provider>#<id>   (byStallDay)
 *  - market's transactions ... gsi2 MARKET#<id>#TXNS#<YYYY-MM> / <paidAt>#<provider>#<id> (byMarketDay)
 *  - unmatched list .......... gsi1 UNMATCHED             / <receivedAt>#<provider>#<id>
 *  - unmatched by account .... pk UNMATCHED#<ACCOUNT>     sk <provider>#<id>
 *  - stall-day rollup ........ pk STALL#<sid>             sk DAY#<date>;  gsi1 MARKET#<id>#STALLDAYS#<YYYY-MM> / <date>#<sid>
 *  - market-day rollup ....... pk MARKET#<id>             sk DAY#<date>#<shard 0-7>
 *  - incident ................ pk INCIDENT#<id>           sk INCIDENT;  gsi1 MARKET#<id>#INCIDENTS / <startedAt>#<id>
 *  - heartbeat ............... pk MARKET#<id>#BEATS#<date> sk <at>      (TTL)
 *  - evaluation .............. pk MARKET#<id>             sk EVAL#<periodKey>#v<0001>;  gsi1 EVALS#<periodKey> / <id>#v<0001>
 */
export const Keys = {
  market: (id: string) => ({ pk: `MARKET#${id}`, sk: "MARKET" }),
  marketList: (id: string) => ({ gsi1pk: "MARKETS", gsi1sk: id }),

  stall: (stallId: string) => ({ pk: `STALL#${stallId}`, sk: "STALL" }),
  stallsOfMarket: (marketId: string, code: string) => ({ gsi1pk: `MARKET#${marketId}#STALLS`, gsi1sk: code }),
  stallsOfMarketPk: (marketId: string) => `MARKET#${marketId}#STALLS`,
  stallCode: (marketId: string, code: string) => ({ pk: `STALLCODE#${marketId}#${code}`, sk: "UNIQUE" }),
  account: (bin: string, accountNumber: string) => ({ pk: `ACCT#${accountNumber}`, sk: `BIN#${bin}` }),
  accountPk: (accountNumber: string) => `ACCT#${accountNumber}`,

  apiKey: (tokenHash: string) => ({ pk: `KEY#${tokenHash}`, sk: "KEY" }),
  apiKeyList: (keyId: string) => ({ gsi1pk: "KEYS", gsi1sk: keyId }),

  transaction: (provider: string, id: string) => ({ pk: `TXN#${provider}#${id}`, sk: "TXN" }),
  transactionsOfStall: (stallId: string, paidAt: string, provider: string, id: string) => ({
    gsi1pk: `STALL#${stallId}#TXNS`,
    gsi1sk: `${paidAt}#${provider}#${id}`,
  }),
  transactionsOfStallPk: (stallId: string) => `STALL#${stallId}#TXNS`,
  transactionsOfMarket: (marketId: string, month: string, paidAt: string, provider: string, id: string) => ({
    gsi2pk: `MARKET#${marketId}#TXNS#${month}`,
    gsi2sk: `${paidAt}#${provider}#${id}`,
  }),
  transactionsOfMarketPk: (marketId: string, month: string) => `MARKET#${marketId}#TXNS#${month}`,
  unmatchedList: (receivedAt: string, provider: string, id: string) => ({
    gsi1pk: "UNMATCHED",
    gsi1sk: `${receivedAt}#${provider}#${id}`,
  }),
  unmatchedByAccount: (accountNumber: string, provider: string, id: string) => ({
    pk: `UNMATCHED#${accountNumber}`,
    sk: `${provider}#${id}`,
  }),
  unmatchedByAccountPk: (accountNumber: string) => `UNMATCHED#${accountNumber}`,

  stallDay: (stallId: string, date: string) => ({ pk: `STALL#${stallId}`, sk: `DAY#${date}` }),
  stallDaysOfMarket: (marketId: string, date: string, stallId: string) => ({
    gsi1pk: `MARKET#${marketId}#STALLDAYS#${date.slice(0, 7)}`,
    gsi1sk: `${date}#${stallId}`,
  }),
  stallDaysOfMarketPk: (marketId: string, month: string) => `MARKET#${marketId}#STALLDAYS#${month}`,
  /** Sharded so concurrent payments at one market rarely touch the same item (fewer transaction conflicts). */
  marketDay: (marketId: string, date: string, shard: number) => ({
    pk: `MARKET#${marketId}`,
    sk: `DAY#${date}#${shard}`,
  }),
  marketDayPk: (marketId: string) => `MARKET#${marketId}`,

  incident: (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: "INCIDENT" }),
  incidentsOfMarket: (marketId: string, startedAt: string, incidentId: string) => ({
    gsi1pk: `MARKET#${marketId}#INCIDENTS`,
    gsi1sk: `${startedAt}#${incidentId}`,
  }),
  incidentsOfMarketPk: (marketId: string) => `MARKET#${marketId}#INCIDENTS`,
  heartbeat: (marketId: string, date: string, at: string) => ({
    pk: `MARKET#${marketId}#BEATS#${date}`,
    sk: at,
  }),
  heartbeatsPk: (marketId: string, date: string) => `MARKET#${marketId}#BEATS#${date}`,

  evaluation: (marketId: string, periodKey: string, version: number) => ({
    pk: `MARKET#${marketId}`,
    sk: `EVAL#${periodKey}#v${String(version).padStart(4, "0")}`,
  }),
  evaluationsOfPeriod: (periodKey: string, marketId: string, version: number) => ({
    gsi1pk: `EVALS#${periodKey}`,
    gsi1sk: `${marketId}#v${String(version).padStart(4, "0")}`,
  }),
} as const;
