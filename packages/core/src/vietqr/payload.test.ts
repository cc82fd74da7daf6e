import fc from "fast-check";
import { QRPay } from "vietnam-qr-pay";
import { describe, expect, it } from "vitest";
import { crc16, crcHex } from "./crc";
import { VietQrError } from "./errors";
import { decode, encode, type PaymentQr } from "./payload";

const V1 =
  "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52";
const V2 =
  "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";
const V3 =
  "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203";
const V4_CORRECTED =
  "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
const V4_PRINTED =
  "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5";

describe("CRC-16/CCITT-FALSE", () => {
  it("matches the standard check value and zero-pads", () => {
    expect(crc16("123456789")).toBe(0x29b1);
    expect(crcHex("123456789")).toBe("29B1");
    // Find an input whose CRC has a leading zero nibble and check the padding.
    const padded = Array.from({ length: 200 }, (_, i) => crcHex(`x${i}`)).find((h) => h.startsWith("0"));
    expect(padded).toMatch(/^0[0-9A-F]{3}$/);
  });

  it("hashes a string as its UTF-8 bytes, ASCII fast path or not", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(crc16(s)).toBe(crc16(new TextEncoder().encode(s)));
      }),
    );
  });
});

describe("decode — published NAPAS vectors", () => {
  it("vector 1: static, to card", () => {
    expect(decode(V1)).toEqual({
      initiation: "static",
      bin: "970403",
      accountNumber: "9704031101234567",
      service: "QRIBFTTC",
    });
  });
  it("vector 2: dynamic, to account, with bill number and purpose", () => {
    expect(decode(V2)).toEqual({
      initiation: "dynamic",
      bin: "970403",
      accountNumber: "0011012345678",
      service: "QRIBFTTA",
      amount: "180000",
      additional: { billNumber: "NPS6869", purpose: "thanh toan don hang" },
    });
  });
  it("vector 3: dynamic, to card", () => {
    expect(decode(V3)).toMatchObject({
      service: "QRIBFTTC",
      amount: "180000",
      accountNumber: "9704031101234567",
    });
  });
  it("vector 4: the corrected static-to-account example decodes; the printed one is rejected", () => {
    expect(decode(V4_CORRECTED)).toEqual({
      initiation: "static",
      bin: "970403",
      accountNumber: "0011012345678",
      service: "QRIBFTTA",
    });
    expect(() => decode(V4_PRINTED)).toThrow(VietQrError);
    expect(() => decode(V4_PRINTED)).toThrow(/38\.01: .*length/);
  });
  it("encode(decode(v)) gives back every vector exactly", () => {
    for (const v of [V1, V2, V3, V4_CORRECTED]) expect(encode(decode(v))).toBe(v);
  });
  it("accepts a lower-case CRC", () => {
    expect(decode(`${V2.slice(0, -4)}2e2e`).amount).toBe("180000");
  });
});

describe("decode — strict errors", () => {
  const bad: [string, string, RegExp][] = [
    ["wrong CRC", `${V1.slice(0, -4)}4F53`, /CRC mismatch/],
    ["no CRC tag", V1.slice(0, -8), /must end with the CRC/],
    ["length field shorter than its value", V4_PRINTED, /38\.01: 1 stray character/],
    [
      "length past parent",
      fix(V1.replace("01300006970403", "01990006970403")),
      /runs past the end of tag 38/,
    ],
    ["wrong GUID", fix(V1.replace("A000000727", "A000000728")), /NAPAS GUID/],
    ["wrong currency", fix(V1.replace("5303704", "5303840")), /704/],
    ["wrong country", fix(V1.replace("5802VN", "5802TH")), /VN/],
    ["format indicator", fix(V1.replace(/^000201/, "000202")), /Tag 00 must be 01/],
    ["missing 58", fix(V1.replace("5802VN", "")), /Missing mandatory tag 58/],
    ["unknown tag", fix(V1.replace("5802VN", "5802VN9903abc")), /Tag 99 is not part/],
    ["amount with letters", fix(V2.replace("5406180000", "54061800x0")), /Amount/],
    ["zero amount", fix(V2.replace("5406180000", "54010")), /positive/],
    ["bad service", fix(V1.replace("QRIBFTTC", "QRIBFTTX")), /Service code/],
    ["too short", "0002", /too short/],
  ];
  it.each(bad)("%s", (_name, payload, message) => {
    expect(() => decode(payload)).toThrow(message);
  });
});

/** Recomputes the CRC so a test exercises the rule it means to, not the checksum. */
function fix(payload: string): string {
  const body = payload.slice(0, -4);
  return body + crcHex(body);
}

const ans = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: max,
  });

const arbitraryQr: fc.Arbitrary<PaymentQr> = fc.record(
  {
    initiation: fc.constantFrom("static" as const, "dynamic" as const),
    bin: fc.stringMatching(/^\d{6}$/),
    accountNumber: fc.stringMatching(/^[0-9A-Za-z]{1,19}$/),
    service: fc.constantFrom("QRIBFTTA" as const, "QRIBFTTC" as const),
    amount: fc.integer({ min: 1, max: 9_999_999_999_999 }).map(String),
    merchantName: ans(25),
    merchantCity: ans(15),
    additional: fc
      .record({ purpose: ans(25), billNumber: ans(25), terminalLabel: ans(10) }, { requiredKeys: [] })
      .filter((a) => {
        const len = Object.values(a).reduce((s, v) => s + 4 + v.length, 0);
        return len > 0 && len <= 99;
      }),
  },
  { requiredKeys: ["initiation", "bin", "accountNumber", "service"] },
);

describe("round trips (property-based)", () => {
  it("decode(encode(x)) = x", () => {
    fc.assert(
      fc.property(arbitraryQr, (qr) => {
        expect(decode(encode(qr))).toEqual(qr);
      }),
      { numRuns: 500 },
    );
  });

  it("encode(decode(s)) = s for every valid s", () => {
    fc.assert(
      fc.property(arbitraryQr, (qr) => {
        const s = encode(qr);
        expect(encode(decode(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it("any single-character corruption is rejected or changes nothing", () => {
    fc.assert(
      fc.property(arbitraryQr, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (qr, pos, code) => {
        const s = encode(qr);
        const i = pos % s.length;
        const corrupted = s.slice(0, i) + String.fromCharCode(code) + s.slice(i + 1);
        if (corrupted === s || corrupted.toUpperCase() === s.toUpperCase()) return;
        expect(() => decode(corrupted)).toThrow(VietQrError);
      }),
      { numRuns: 500 },
    );
  });

  it("never crashes on arbitrary input: it decodes or throws VietQrError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          arbitraryQr.map((q) => `${encode(q).slice(0, -6)}6304`),
        ),
        (s) => {
          try {
            decode(s);
          } catch (err) {
            expect(err).toBeInstanceOf(VietQrError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("encode — rules enforced", () => {
  const base: PaymentQr = {
    initiation: "static",
    bin: "970405",
    accountNumber: "8888123456789",
    service: "QRIBFTTA",
  };
  it.each([
    [{ bin: "97040" }, /BIN/],
    [{ accountNumber: "12345678901234567890" }, /Account number/],
    [{ accountNumber: "88-88" }, /Account number/],
    [{ amount: "0" }, /positive/],
    [{ amount: "12345678901234" }, /13/],
    [{ merchantName: "Giàng Thị Mai" }, /ASCII/],
    [{ merchantName: "X".repeat(26) }, /25/],
    [{ additional: { purpose: "x".repeat(26) } }, /25/],
    [
      {
        additional: {
          purpose: "x".repeat(25),
          billNumber: "x".repeat(25),
          storeLabel: "x".repeat(25),
          terminalLabel: "x".repeat(25),
        },
      },
      /99/,
    ],
  ] as [Partial<PaymentQr>, RegExp][])("%o", (change, message) => {
    expect(() => encode({ ...base, ...change })).toThrow(message);
  });
});

describe("against an independent decoder (vietnam-qr-pay)", () => {
  it("reads what we encode the same way", () => {
    fc.assert(
      fc.property(arbitraryQr, (qr) => {
        const theirs = new QRPay(encode(qr));
        expect(theirs.isValid).toBe(true);
        expect(theirs.consumer.bankBin).toBe(qr.bin);
        expect(theirs.consumer.bankNumber).toBe(qr.accountNumber);
        expect(theirs.amount).toBe(qr.amount);
        expect(theirs.additionalData.purpose).toBe(qr.additional?.purpose);
        expect(theirs.initMethod).toBe(qr.initiation === "dynamic" ? "12" : "11");
      }),
      { numRuns: 300 },
    );
  });

  it("and we read what it encodes", () => {
    const theirs = QRPay.initVietQR({
      bankBin: "970416",
      bankNumber: "257678859",
      amount: "10000",
      purpose: "Chuyen tien",
    }).build();
    expect(decode(theirs)).toMatchObject({
      bin: "970416",
      accountNumber: "257678859",
      amount: "10000",
      additional: { purpose: "Chuyen tien" },
    });
  });
});
