import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { marketPartition } from "../market/marketItem";
import { guard, queryAll, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import type { Counted } from "./counted";
import type { Evaluation } from "./evaluations";
import { isProvisional } from "./provisional";

/**
 * A stored evaluation version: immutable, written once (docs/data-model.md).
 *  - by market, period and version ... pk MARKET#<marketId>  sk EVAL#<periodKey>#v<0001>
 *  - byPeriod ......................... gsi1 EVALS#<periodKey> / <marketId>#v<0001>
 *  - what it counted, for its report ... pk MARKET#<marketId>  sk COUNT#<periodKey>#v<0001>
 *    (daily totals and incidents as they were when it was computed; written with it, never changed)
 */
const padded = (version: number) => String(version).padStart(4, "0");
const sk = (periodKey: string, version: number) => `EVAL#${periodKey}#v${padded(version)}`;
const byPeriodPk = (periodKey: string) => `EVALS#${periodKey}`;
const countedSk = (periodKey: string, version: number) => `COUNT#${periodKey}#v${padded(version)}`;

function fromItem(raw: Record<string, unknown>): Evaluation {
  const { pk: _a, sk: _b, gsi1pk: _c, gsi1sk: _d, type: _e, v: _f, ...rest } = raw;
  const e = rest as unknown as Evaluation;
  // Versions filed before the flag existed get it from what they store, as every version would.
  return { ...e, provisional: e.provisional ?? isProvisional(e.period, e.periodKey, e.computedAt) };
}

export const EvaluationItem = {
  /** Files a new version; fails if that version exists (a concurrent run filed it first). */
  create: (store: Store, e: Evaluation): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: {
        pk: marketPartition(e.marketId),
        sk: sk(e.periodKey, e.version),
        gsi1pk: byPeriodPk(e.periodKey),
        gsi1sk: `${e.marketId}#v${padded(e.version)}`,
        type: "evaluation",
        v: 1,
        ...e,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  /** What a new version counted, filed with it (docs/contract.md §15: a report prints only this). */
  createCounted: (store: Store, e: Evaluation, counted: Counted): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: {
        pk: marketPartition(e.marketId),
        sk: countedSk(e.periodKey, e.version),
        type: "evaluationCounted",
        v: 1,
        evaluationId: e.id,
        ...counted,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  /** What a version counted; `undefined` for versions filed before it was kept. */
  async counted(store: Store, e: Evaluation): Promise<Counted | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({
          TableName: store.table,
          Key: { pk: marketPartition(e.marketId), sk: countedSk(e.periodKey, e.version) },
        }),
      ),
    );
    if (!res.Item) return undefined;
    return { days: res.Item.days as Counted["days"], incidents: res.Item.incidents as Counted["incidents"] };
  },
  /** Every version of a market's evaluation for a period key, oldest first. */
  async versions(store: Store, marketId: string, periodKey: string): Promise<Evaluation[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": marketPartition(marketId), ":prefix": `EVAL#${periodKey}#v` },
      ConsistentRead: true,
    });
    return items.map(fromItem);
  },
  /** Every version of every evaluation of a market. */
  async ofMarket(store: Store, marketId: string): Promise<Evaluation[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": marketPartition(marketId), ":prefix": "EVAL#" },
    });
    return items.map(fromItem);
  },
  /** byPeriod: every version of every market's evaluation for a period key. */
  async byPeriod(store: Store, periodKey: string): Promise<Evaluation[]> {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": byPeriodPk(periodKey) },
    });
    return items.map(fromItem);
  },
};
