import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** CSV import as Excel writes it (issue 16): `;` separators, a BOM, banks by name, a template to start from. */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
});
afterAll(() => h.close());

const upload = (body: string, lang?: string) =>
  h.call("POST", "/api/markets/dong-van/stalls/import", {
    body,
    headers: { "content-type": "text/csv", ...(lang ? { "accept-language": lang } : {}) },
  });

describe("CSV import from Excel", () => {
  it("reads a `;` file with a BOM and banks by short name or code, any case or accent", async () => {
    const csv = [
      "\uFEFFcode;vendorName;phone;category;bankBin;accountNumber;accountName",
      "S-01;Lò Văn Hùng;0912345678;Rau, củ;Agribank;8888100001;LO VAN HUNG",
      "S-02;Giàng Thị Mai;;thịt;vcb;8888100002;GIANG THI MAI",
      "S-03;Sùng Mí Páo;;;Vietcombank;8888100003;SUNG MI PAO",
      "S-04;Vàng Thị Dợ;;;970405;8888100004;VANG THI DO",
    ].join("\r\n");
    const res = await upload(csv);
    expect(res.body).toEqual({ created: 4, skipped: 0, errors: [] });
    const list = (await h.call("GET", "/api/markets/dong-van/stalls")).body.items;
    const byCode = Object.fromEntries(
      list.map((s: { code: string; bank: { bin: string } }) => [s.code, s.bank.bin]),
    );
    expect(byCode).toMatchObject({ "S-01": "970405", "S-02": "970436", "S-03": "970436", "S-04": "970405" });
    expect(list.find((s: { code: string }) => s.code === "S-01").category).toBe("Rau, củ");
  });

  it("names the line and the stall code of each bad row, in Vietnamese by default and English on request", async () => {
    const csv = [
      "code,vendorName,phone,category,bankBin,accountNumber,accountName",
      "T-01,Lò Thị Hoa,,,Ngân hàng Mặt Trăng,8888200001,LO THI HOA",
      "T-02,Lò Văn Páo,,,BIDV,88/88,LO VAN PAO",
    ].join("\n");
    const vi = await upload(csv);
    expect(vi.body.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [2, "T-01"],
      [3, "T-02"],
    ]);
    expect(vi.body.errors[0].message).toContain("Ngân hàng");
    expect(vi.body.errors[1].message).toBe(
      "Số tài khoản: Số tài khoản chỉ gồm 1–19 chữ số hoặc chữ cái, không dấu cách",
    );
    const en = await upload(csv, "en-US,en;q=0.9");
    expect(en.body.errors[1]).toEqual({
      line: 3,
      code: "T-02",
      message: "bank.accountNumber: 1 to 19 letters or digits",
    });
  });

  it("offers a CSV template with Vietnamese headers and `;`, and a Vietnamese example row, which imports as is", async () => {
    const res = await h.app.request("/api/markets/dong-van/stalls/import/template.csv", {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.split(/\r\n/)[0]).toBe(
      "Mã quầy;Tên người bán;Số điện thoại;Ngành hàng;Ngân hàng;Số tài khoản;Chủ tài khoản",
    );
    expect(text).toContain("Nguyễn Thị Hùng");
    expect((await upload(text)).body).toEqual({ created: 1, skipped: 0, errors: [] });
  });
});
