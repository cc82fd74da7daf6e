import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { rawCallback as raw, secretsWith, signCasso } from "@market40/devkit/signing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_AMOUNT } from "../types";
import { casso, cassoSignedForms } from "./casso";

// Casso's published webhook v2 sample: secret, t, body and v1 as published (its test transaction, id 0).
const SECRET = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs";
const SAMPLE_T = "1727948258788";
const SAMPLE_BODY =
  '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,' +
  '"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank",' +
  '"bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A",' +
  '"counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}';
const SAMPLE_V1 =
  "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3";

/**
 * A real-looking payment with a Vietnamese description, an emoji and slashes, where Casso's samples disagree. Its v1
 * values were computed by PHP 8.2 itself: keys sorted with a recursive `ksort` on `json_decode($raw, true)`, then
 * `hash_hmac("sha512", $t . "." . json_encode($sorted, $flags), $secret)` for each `$flags`.
 */
const VI_BODY =
  '{"error":0,"data":{"id":4412,"reference":"FT26331/88812","description":"A-12 rau cải, thịt 🥬 / đậu","amount":45000,' +
  '"runningBalance":1250000,"transactionDateTime":"2026-11-29 07:12:45","accountNumber":"8888123456789","bankName":"Agribank",' +
  '"bankAbbreviation":"VBA","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYỄN VĂN A",' +
  '"counterAccountNumber":"0451000123","counterAccountBankId":"970436","counterAccountBankName":"Vietcombank"}}';
const VI_T = "1764375165000";
const VI_V1 = {
  /** PHP's sample: `json_encode` with no flags (`\uXXXX`, `\/`). */
  php: "df0396720d9f37f5ef512a83b4b29a82d89d2889ca3bd1243d9cc2c96827844769f0b28ea4dde4041f0b0a4a9fd4d9b1b94de3f5a91a2708b132931cbdc3bd7a",
  /** `JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES`: byte for byte Node's `JSON.stringify`, its Node sample. */
  node: "2a1a0b90323cab7c70975e6315091d06e2afe1b7227a0acea5dcc6eadd5fdd9a61c258e2fa48b7150d64efd99c25c2e146e853c19debe778bb23fd56b5cd60c1",
  /** `JSON_UNESCAPED_UNICODE` only, and `JSON_UNESCAPED_SLASHES` only: forms no published sample uses. */
  unicodeOnly:
    "0012b58cbc66ddd8b92f0f7ceed7235c6850615349965f5ebfc0d8e73ea9eb74c8c1da668997ee4de98b1dbc3422d72f6187e604c83a6eb5e0f0d55b70581759",
  slashesOnly:
    "62cce905b195b7af06922343f271b7a09570336218d62d4befbf2a32e0e915c718527183da5f770ee96da84e994d6fb4f89b3aa29d0bc6fbf610c0364578c693",
};

const now = new Date("2026-11-29T00:00:00Z");
const TOKEN = "legacy-secure-token";
const secrets = secretsWith({ casso: SECRET, cassoSecureToken: TOKEN });
const v2 = (body: string, t: string, v1: string, s = secrets) =>
  casso.verifyAndParse(raw(body, { "x-casso-signature": `t=${t},v1=${v1}` }), s, now);

describe("Casso webhook v2", () => {
  it("verifies the published sample, and answers it as a test (id 0)", () => {
    expect(v2(SAMPLE_BODY, SAMPLE_T, SAMPLE_V1).transactions).toEqual([
      {
        provider: "casso",
        providerTxnId: "0",
        bin: "970432",
        accountNumber: "88888888",
        amount: 599000,
        direction: "in",
        paidAt: "2024-10-03T08:06:37.000Z",
        description: "giao dich thu nghiem",
        bankRef: "MA_GIAO_DICH_THU_NGHIEM",
        payer: "970415:8888888888",
        test: true,
      },
    ]);
  });

  it("accepts a Vietnamese delivery signed as either published sample signs it (PHP's vector from PHP itself)", () => {
    for (const v1 of [VI_V1.php, VI_V1.node])
      expect(v2(VI_BODY, VI_T, v1).transactions).toEqual([
        expect.objectContaining({
          providerTxnId: "4412",
          bin: "970405",
          amount: 45000,
          description: "A-12 rau cải, thịt 🥬 / đậu",
        }),
      ]);
    // The devkit's signers (the simulator's) produce the same two.
    expect(signCasso(SECRET, VI_BODY, new Date(Number(VI_T)), "php")).toBe(`t=${VI_T},v1=${VI_V1.php}`);
    expect(signCasso(SECRET, VI_BODY, new Date(Number(VI_T)), "node")).toBe(`t=${VI_T},v1=${VI_V1.node}`);
  });

  it("accepts nothing else: other serialisations, tampering, another t, a wrong key, no header", () => {
    for (const v1 of [VI_V1.unicodeOnly, VI_V1.slashesOnly])
      expect(() => v2(VI_BODY, VI_T, v1)).toThrow(/Signature/);
    const pretty = createHmac("sha512", SECRET)
      .update(`${VI_T}.${JSON.stringify(JSON.parse(VI_BODY), null, 2)}`)
      .digest("hex");
    expect(() => v2(VI_BODY, VI_T, pretty)).toThrow(/Signature/);
    expect(() => v2(VI_BODY.replace("45000", "45001"), VI_T, VI_V1.php)).toThrow(/Signature/);
    expect(() => v2(VI_BODY.replace("thịt", "thit"), VI_T, VI_V1.node)).toThrow(/Signature/);
    expect(() => v2(VI_BODY.normalize("NFD"), VI_T, VI_V1.node)).toThrow(/Signature/);
    expect(() => v2(SAMPLE_BODY, "1727948258789", SAMPLE_V1)).toThrow(/Signature/);
    expect(() => v2(SAMPLE_BODY, SAMPLE_T, SAMPLE_V1, secretsWith({ casso: "other" }))).toThrow(/Signature/);
    expect(() => v2(SAMPLE_BODY, SAMPLE_T, SAMPLE_V1, secretsWith({ cassoSecureToken: SECRET }))).toThrow(
      /Signature/,
    );
    expect(() => casso.verifyAndParse(raw(SAMPLE_BODY), secrets, now)).toThrow(/Signature/);
  });

  it.runIf(hasPhp())(
    "writes PHP's form exactly as PHP's json_encode does, for any body (PHP as oracle)",
    () => {
      const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
      const text = fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 16 }),
        fc.string({ unit: "binary", maxLength: 8 }).filter((s) => !/\p{Surrogate}/u.test(s)),
        fc.constantFrom("/", "a/b\\c", "Đồng Văn", "\u2028\u2029", "\u007f", "\t\n\u0001", "🥬"),
      );
      const value = fc.letrec((tie) => ({
        node: fc.oneof(
          { depthSize: "small" },
          text,
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          tie("object"),
        ),
        object: fc.dictionary(key, tie("node"), { minKeys: 1, maxKeys: 5 }),
      }));
      const bodies = fc.sample(value.object, 300);
      const php = execFileSync(
        "php",
        [
          "-r",
          "function s($a){if(is_array($a)){ksort($a);foreach($a as $k=>$v){$a[$k]=s($v);}}return $a;}" +
            'while(($l=fgets(STDIN))!==false){echo json_encode(s(json_decode($l,true))),"\\n";}',
        ],
        { input: `${bodies.map((b) => JSON.stringify(b)).join("\n")}\n`, encoding: "utf8" },
      ).split("\n");
      bodies.forEach((body, i) => {
        expect(cassoSignedForms(body).at(-1), JSON.stringify(body)).toBe(php[i]);
      });
    },
  );

  it("takes amounts up to 13 digits (money out negative) and refuses larger or fractional ones", () => {
    const signed = (amount: number) => {
      const body = SAMPLE_BODY.replace('"id":0', '"id":7').replace('"amount":599000', `"amount":${amount}`);
      return () =>
        casso.verifyAndParse(raw(body, { "x-casso-signature": signCasso(SECRET, body, now) }), secrets, now);
    };
    expect(signed(MAX_AMOUNT)().transactions[0]).toMatchObject({ amount: MAX_AMOUNT, direction: "in" });
    expect(signed(-599000)().transactions[0]).toMatchObject({ amount: 599000, direction: "out" });
    expect(signed(MAX_AMOUNT + 1)).toThrow(/format/);
    expect(signed(-(MAX_AMOUNT + 1))).toThrow(/format/);
    expect(signed(599000.5)).toThrow(/format/);
  });

  it("acknowledges a delivery whose error is not 0 without a transaction", () => {
    const body = SAMPLE_BODY.replace('"error":0', '"error":1');
    expect(
      casso.verifyAndParse(raw(body, { "x-casso-signature": signCasso(SECRET, body, now) }), secrets, now)
        .transactions,
    ).toEqual([]);
  });
});

describe("Casso legacy webhooks", () => {
  const item = (over: object = {}) => ({
    id: 1207,
    tid: "TF2611290001",
    description: "A-12 rau cải",
    amount: 25000,
    cusum_balance: 1500000,
    when: "2026-11-29 07:30:00",
    bank_sub_acc_id: "8888123456789",
    subAccId: "8888123456789",
    ...over,
  });
  const legacy = (data: object[], token = TOKEN, error = 0) =>
    casso.verifyAndParse(raw({ error, data }, { "secure-token": token }), secrets, now);

  it("reads each item as its own transaction to bank_sub_acc_id, in Vietnam time", () => {
    const { transactions } = legacy([item(), item({ id: 1208, amount: -5000, when: "2026-11-29 23:59:59" })]);
    expect(transactions).toEqual([
      {
        provider: "casso",
        providerTxnId: "1207",
        accountNumber: "8888123456789",
        amount: 25000,
        direction: "in",
        paidAt: "2026-11-29T00:30:00.000Z",
        description: "A-12 rau cải",
        bankRef: "TF2611290001",
      },
      expect.objectContaining({
        providerTxnId: "1208",
        amount: 5000,
        direction: "out",
        paidAt: "2026-11-29T16:59:59.000Z",
      }),
    ]);
  });

  it("marks the test transaction (id 0) and keeps the others", () => {
    expect(
      legacy([item({ id: 0 }), item()]).transactions.map((t) => [t.providerTxnId, t.test ?? false]),
    ).toEqual([
      ["0", true],
      ["1207", false],
    ]);
  });

  it("refuses a wrong, partial or missing secure-token, and any token when none is configured", () => {
    for (const token of ["wrong", `${TOKEN}x`, TOKEN.slice(0, -1), ""])
      expect(() => legacy([item()], token), token).toThrow(/Signature/);
    expect(() => casso.verifyAndParse(raw({ error: 0, data: [item()] }), secrets, now)).toThrow(/Signature/);
    expect(() =>
      casso.verifyAndParse(
        raw({ error: 0, data: [item()] }, { "secure-token": "" }),
        secretsWith({ casso: SECRET }),
        now,
      ),
    ).toThrow(/Signature/);
    // The v2 secret is not a legacy token.
    expect(() => legacy([item()], SECRET)).toThrow(/Signature/);
  });

  it("400s what is not the legacy format, and amounts beyond 13 digits", () => {
    expect(() => legacy([item({ when: "29/11/2026 07:30" })])).toThrow(/format/);
    expect(() => legacy([item({ bank_sub_acc_id: "" })])).toThrow(/format/);
    expect(() => legacy([item({ amount: MAX_AMOUNT + 1 })])).toThrow(/format/);
    expect(() => legacy([item({ amount: 1.5 })])).toThrow(/format/);
    expect(() =>
      casso.verifyAndParse(raw({ error: 0, data: item() }, { "secure-token": TOKEN }), secrets, now),
    ).toThrow(/format/);
    expect(legacy([item()], TOKEN, 1).transactions).toEqual([]);
  });
});

function hasPhp(): boolean {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
