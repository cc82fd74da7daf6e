import type { Store } from "../store/client";
import { type Bill, takesQr } from "./bill";
import { BillItem } from "./billItem";
import { BillRefItem } from "./billRefItem";
import { referencesIn } from "./reference";

/**
 * The bill a transfer to a market board's account settles by itself (docs/contract.md §20): the first reference in
 * its description that is one of the market's bills, if that bill still takes transfers (not closed by the manager
 * in cash or waived). Read afresh for each attempt to store the payment: the write is conditioned on the bill's
 * revision read here. `calls` is how many DynamoDB reads it made (for the benchmark's count).
 */
export async function billNamedIn(
  store: Store,
  marketId: string,
  description: string,
): Promise<{ bill?: Bill; calls: number }> {
  let calls = 0;
  for (const reference of referencesIn(description)) {
    calls++;
    const pointer = await BillRefItem.get(store, marketId, reference);
    if (!pointer) continue;
    calls++;
    const bill = await BillItem.get(store, marketId, pointer.periodKey, pointer.stallId);
    return bill && takesQr(bill) ? { bill, calls } : { calls };
  }
  return { calls };
}
