import { crcHex } from "./crc";
import { VietQrError } from "./errors";
import { parseTlv, tlv } from "./tlv";

/** NAPAS's application id in tag 38/00. */
export const NAPAS_GUID = "A000000727";
export const SERVICES = ["QRIBFTTA", "QRIBFTTC"] as const;
export type Service = (typeof SERVICES)[number];

/** Tag 62's sub-fields, each ANS ≤ 25. `purpose` (62/08) is what banking apps pre-fill as the description. */
export const ADDITIONAL_FIELDS = {
  billNumber: "01",
  mobileNumber: "02",
  storeLabel: "03",
  loyaltyNumber: "04",
  referenceLabel: "05",
  customerLabel: "06",
  terminalLabel: "07",
  purpose: "08",
} as const;
export type AdditionalData = Partial<Record<keyof typeof ADDITIONAL_FIELDS, string>>;

/** A VietQR (NAPAS 247) payment code's content. Currency (704) and country (VN) are fixed by the profile. */
export interface PaymentQr {
  initiation: "static" | "dynamic";
  bin: string;
  accountNumber: string;
  service: Service;
  /** Digits (VND has no decimals; a single `.` is tolerated when decoding others' codes). */
  amount?: string;
  merchantCategory?: string;
  merchantName?: string;
  merchantCity?: string;
  additional?: AdditionalData;
}

const ANS = /^[\x20-\x7e]+$/;
const AMOUNT = /^(?=.{1,13}$)\d+(\.\d+)?$/;
const ADDITIONAL_BY_ID = Object.fromEntries(
  Object.entries(ADDITIONAL_FIELDS).map(([k, v]) => [v, k]),
) as Record<string, keyof AdditionalData>;

function check(ok: boolean, message: string, tag: string): void {
  if (!ok) throw new VietQrError(message, tag);
}

function checkAns(value: string, max: number, tag: string, name: string): void {
  check(value.length >= 1 && value.length <= max, `${name} (tag ${tag}) must be 1 to ${max} characters`, tag);
  check(ANS.test(value), `${name} (tag ${tag}) must be printable ASCII (no diacritics)`, tag);
}

function checkAmount(amount: string, tag = "54"): void {
  check(AMOUNT.test(amount), "Amount (tag 54) must be digits, at most 13 characters", tag);
  check(Number(amount) > 0, "Amount (tag 54) must be positive", tag);
}

/**
 * Builds the payload string, enforcing every rule of the NAPAS profile on the way (lengths, character sets,
 * nesting limits), and appends the CRC. Tags are written in ascending order.
 * @example encode({ initiation: "static", bin: "970405", accountNumber: "8888123456789", service: "QRIBFTTA" })
 */
export function encode(qr: PaymentQr): string {
  check(/^\d{6}$/.test(qr.bin), "Bank BIN (tag 38.01.00) must be 6 digits", "38.01.00");
  check(
    /^[0-9A-Za-z]{1,19}$/.test(qr.accountNumber),
    "Account number (tag 38.01.01) must be 1 to 19 letters or digits",
    "38.01.01",
  );
  check(
    (SERVICES as readonly string[]).includes(qr.service),
    "Service code (tag 38.02) must be QRIBFTTA or QRIBFTTC",
    "38.02",
  );
  const merchant =
    tlv("00", NAPAS_GUID) +
    tlv("01", tlv("00", qr.bin) + tlv("01", qr.accountNumber)) +
    tlv("02", qr.service);
  let out = tlv("00", "01") + tlv("01", qr.initiation === "dynamic" ? "12" : "11") + tlv("38", merchant);
  if (qr.merchantCategory !== undefined) {
    check(/^\d{4}$/.test(qr.merchantCategory), "Merchant category (tag 52) must be 4 digits", "52");
    out += tlv("52", qr.merchantCategory);
  }
  out += tlv("53", "704");
  if (qr.amount !== undefined) {
    checkAmount(qr.amount);
    out += tlv("54", qr.amount);
  }
  out += tlv("58", "VN");
  if (qr.merchantName !== undefined) {
    checkAns(qr.merchantName, 25, "59", "Merchant name");
    out += tlv("59", qr.merchantName);
  }
  if (qr.merchantCity !== undefined) {
    checkAns(qr.merchantCity, 15, "60", "Merchant city");
    out += tlv("60", qr.merchantCity);
  }
  if (qr.additional) {
    let data = "";
    for (const [name, id] of Object.entries(ADDITIONAL_FIELDS) as [keyof AdditionalData, string][]) {
      const value = qr.additional[name];
      if (value === undefined) continue;
      checkAns(value, 25, `62.${id}`, name);
      data += tlv(id, value);
    }
    if (data) {
      check(data.length <= 99, "Additional data (tag 62) must total at most 99 characters", "62");
      out += tlv("62", data);
    }
  }
  out += "6304";
  return out + crcHex(out);
}

/**
 * Parses and validates a payload: CRC (upper or lower case), nested lengths, mandatory tags, the NAPAS
 * merchant template, currency 704 and country VN. Throws `VietQrError` naming the tag at fault.
 */
export function decode(payload: string): PaymentQr {
  if (typeof payload !== "string" || payload.length < 12)
    throw new VietQrError("Payload is too short to be a VietQR code");
  if (payload.length > 512) throw new VietQrError("Payload is longer than any VietQR code");
  const crcAt = payload.length - 8;
  check(
    payload.slice(crcAt, crcAt + 4) === "6304",
    "The payload must end with the CRC (tag 63, length 04)",
    "63",
  );
  const given = payload.slice(crcAt + 4);
  check(/^[0-9A-Fa-f]{4}$/.test(given), "CRC (tag 63) must be 4 hex digits", "63");
  const expected = crcHex(payload.slice(0, crcAt + 4));
  check(
    given.toUpperCase() === expected,
    `CRC mismatch: the payload says ${given}, its content gives ${expected}`,
    "63",
  );

  const tags = parseTlv(payload.slice(0, crcAt));
  const seen = new Map<string, string>();
  for (const [i, t] of tags.entries()) {
    check(!seen.has(t.id), `Tag ${t.id} appears twice`, t.id);
    seen.set(t.id, t.value);
    if (i === 0) check(t.id === "00", "Tag 00 (payload format indicator) must come first", "00");
  }
  for (const id of seen.keys())
    check(
      ["00", "01", "38", "52", "53", "54", "58", "59", "60", "62"].includes(id),
      `Tag ${id} is not part of the VietQR profile`,
      id,
    );
  const need = (id: string, name: string) => {
    const v = seen.get(id);
    if (v === undefined) throw new VietQrError(`Missing mandatory tag ${id} (${name})`, id);
    return v;
  };
  check(need("00", "payload format indicator") === "01", "Tag 00 must be 01", "00");
  const initiation = need("01", "point of initiation");
  check(initiation === "11" || initiation === "12", "Tag 01 must be 11 (static) or 12 (dynamic)", "01");
  check(need("53", "currency") === "704", "Currency (tag 53) must be 704 (VND)", "53");
  check(need("58", "country") === "VN", "Country (tag 58) must be VN", "58");

  const merchant = new Map(
    parseTlv(need("38", "merchant account information"), "38").map((t) => [t.id, t.value]),
  );
  check(merchant.get("00") === NAPAS_GUID, `Tag 38.00 must be the NAPAS GUID ${NAPAS_GUID}`, "38.00");
  const beneficiaryRaw = merchant.get("01");
  if (beneficiaryRaw === undefined) throw new VietQrError("Missing tag 38.01 (beneficiary)", "38.01");
  const beneficiary = new Map(parseTlv(beneficiaryRaw, "38.01").map((t) => [t.id, t.value]));
  const service = merchant.get("02");
  check(
    [...merchant.keys()].every((k) => ["00", "01", "02"].includes(k)),
    "Tag 38 holds only 00, 01 and 02",
    "38",
  );
  check(
    [...beneficiary.keys()].every((k) => ["00", "01"].includes(k)),
    "Tag 38.01 holds only 00 and 01",
    "38.01",
  );

  const qr: PaymentQr = {
    initiation: initiation === "12" ? "dynamic" : "static",
    bin: beneficiary.get("00") ?? "",
    accountNumber: beneficiary.get("01") ?? "",
    service: (service ?? "") as Service,
  };
  const amount = seen.get("54");
  if (amount !== undefined) {
    checkAmount(amount);
    qr.amount = amount;
  }
  if (seen.has("52")) qr.merchantCategory = seen.get("52");
  if (seen.has("59")) qr.merchantName = seen.get("59");
  if (seen.has("60")) qr.merchantCity = seen.get("60");
  const additional = seen.get("62");
  if (additional !== undefined) {
    qr.additional = {};
    for (const t of parseTlv(additional, "62")) {
      const name = ADDITIONAL_BY_ID[t.id];
      if (!name) throw new VietQrError(`Tag 62.${t.id} is not supported`, `62.${t.id}`);
      check(qr.additional[name] === undefined, `Tag 62.${t.id} appears twice`, `62.${t.id}`);
      qr.additional[name] = t.value;
    }
  }
  // Re-encoding checks every remaining rule (BIN, account, service, lengths, character sets) in one place.
  encode(qr);
  return qr;
}
