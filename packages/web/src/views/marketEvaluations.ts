import { get } from "../api";
import { t } from "../i18n";
import { section } from "../ui";
import { type Evaluation, evaluationsTable } from "./liaison";

export async function marketEvaluationsView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `<h1>${t("evaluations")}</h1><section id="evals" class="card"></section>`;
  await section(app.querySelector("#evals")!, async () => {
    const { items } = await get<{ items: Evaluation[] }>(`/api/markets/${marketId}/evaluations`);
    return items.length ? evaluationsTable(items, true) : `<p>${t("none")}</p>`;
  });
}
