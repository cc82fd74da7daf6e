import type { PaymentAnnouncer, PaymentMessage } from "../realtime/announcement";
import { type IngestDeps, ingest } from "./ingest";
import type { CallbackReply, Delivery, ReplyStatus } from "./types";

/** A batch's summary status: the most consequential outcome among its transactions, in this order. */
const PRECEDENCE: ReplyStatus[] = ["stored", "unmatched", "duplicate", "ignored", "test"];

/** The longest a callback's answer waits for its payments' announcements (§14). */
export const ANNOUNCE_WAIT_MS = 2000;

/**
 * Takes a verified delivery (`ProviderAdapter.verifyAndParse`) and answers it (docs/callbacks.md, "Replies").
 *
 * Each transaction goes through `ingest` on its own, exactly once by its own `(provider, id)`; a provider's test
 * delivery is answered `test` and not stored. A delivery of several (Casso's legacy webhooks) is taken in order: if
 * the store fails part-way, the error propagates (503), the provider redelivers the whole batch, and the
 * transactions already stored come back as `duplicate` — so a batch is never half-counted. Its reply lists every
 * transaction in `items`, and `status` is the most consequential outcome: `stored` if any was, else `unmatched`,
 * `duplicate`, `ignored`, `test`. A delivery with no transaction (not a payment) is `ignored`.
 * Each newly stored payment of a stall is announced to that stall's open sockets (`deps.announcer`, §14), after
 * the whole delivery is stored and for at most ANNOUNCE_WAIT_MS.
 */
export async function receive(
  deps: IngestDeps & { announcer?: PaymentAnnouncer },
  delivery: Delivery,
): Promise<CallbackReply> {
  const items: { id: string; status: ReplyStatus }[] = [];
  const announcements: PaymentMessage[] = [];
  for (const txn of delivery.transactions) {
    if (txn.test) items.push({ id: txn.providerTxnId, status: "test" });
    else {
      const { id, status, stallId, stored } = await ingest(deps, txn);
      items.push({ id, status });
      // Only now, committed and new: a redelivery (`duplicate`) never reaches this line, so it announces nothing.
      if (stored && stallId) announcements.push({ type: "payment", id, stallId, ...stored });
    }
  }
  // After every transaction of the delivery is stored, and for at most ANNOUNCE_WAIT_MS: the payments are durable
  // whatever happens to the announcements, and a slow or failing announcer never costs the 200 (announcers log
  // their own failures; the vendor's page fills in what it missed from the API).
  const announcer = deps.announcer;
  if (announcer && announcements.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(announcements.map((m) => announcer.announce(m))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, ANNOUNCE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
  const reply = { ok: true, success: true } as const;
  if (items.length === 0) return { ...reply, status: "ignored" };
  if (items.length === 1) return { ...reply, ...items[0]! };
  const status = PRECEDENCE.find((s) => items.some((i) => i.status === s)) ?? "ignored";
  return { ...reply, status, items };
}
