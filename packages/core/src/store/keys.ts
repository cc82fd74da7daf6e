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
} as const;
