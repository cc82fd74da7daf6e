import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMonthlyReport } from "@market40/core/report/monthlyReport";
import { pdfText } from "@market40/devkit/oracles";
import { describe, expect, it } from "vitest";
import { evaluation, page } from "../bench/reports";
import { SHOTS } from "./support/browser";

/**
 * The PDF with the longest values a province can have (issue 27): nothing is cut off. The pages are also rendered
 * with pdftoppm into test-results/ for a person to look at.
 */
const LONG_NAME = `Chợ phiên ${"Hoàng Su Phì Xín Mần ".repeat(5)}`.trim().slice(0, 100);
const LONG_NOTE =
  "Mất điện toàn khu chợ từ sáng sớm do sự cố đường dây trung thế, điện lực huyện đã khắc phục lúc gần trưa; máy POS và điện thoại của các quầy hết pin nên không nhận được thông báo chuyển khoản";

describe("the PDF report with the longest values", () => {
  it("cuts nothing: a 100-character market name, a long note, 'Chưa đủ dữ liệu' and the totals are whole", async () => {
    const items = [0, 1, 2].map((i) => {
      const e = evaluation(i);
      return {
        ...e,
        market: {
          ...e.market,
          name: `${LONG_NAME.slice(0, 98)}${i}`,
          commune: "Xã Nậm Khánh Nghĩa Đô Bảo Yên",
        },
        ...(i === 2 ? { rating: "insufficient-data" as const, provisional: true } : {}),
      };
    });
    const pdf = await renderMonthlyReport(
      { period: "2026-10", province: "Tuyên Quang", madeAt: "2026-11-01T02:00:00Z" },
      items,
      async (e) => {
        const p = page(e);
        return { ...p, incidents: p.incidents.map((x) => ({ ...x, note: LONG_NOTE })) };
      },
    );
    const pages = (await pdfText(pdf)).map((p) => p.replace(/\s+/g, " "));
    const all = pages.join(" ");
    // The only ellipsis is the number the office writes in by hand ("Số: ……/BC-SCT").
    expect(all.replace("Số: ……/", "")).not.toContain("…");
    // Wrapped words come back with a space between lines: compare without spaces.
    const flat = all.replace(/\s/g, "");
    for (const e of items) expect(flat).toContain(e.market.name.replace(/\s/g, ""));
    expect(flat).toContain("Chưađủdữliệu*");
    expect(flat).toContain(LONG_NOTE.replace(/\s/g, ""));
    expect(pages[0]).toContain("Tổng cộng / bình quân");
    // The board's fees (issue 29), whole, in the summary and on each market's page.
    expect(flat).toContain(
      "Phíchợ:đãlập744.000.000₫,đãthu708.003.000₫(75%khôngdùngtiềnmặt),cònnợ29.997.000₫,đượcmiễn6.000.000₫",
    );
    expect(flat).toContain(
      "Phíchợ:đãlập248.000.000₫,đãthu236.000.000₫(75%khôngdùngtiềnmặt),cònnợ10.000.000₫,đượcmiễn2.000.000₫;tỷlệphíđãthu95,93%.",
    );
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, "report-longest.pdf"), pdf);
    try {
      execFileSync("pdftoppm", [
        "-r",
        "60",
        "-png",
        "-f",
        "1",
        "-l",
        "2",
        join(SHOTS, "report-longest.pdf"),
        join(SHOTS, "report-longest"),
      ]);
    } catch {
      console.log("pdftoppm (poppler-utils) is not installed: the pages are not rendered for viewing");
    }
  });
});
