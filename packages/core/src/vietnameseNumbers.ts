/**
 * Amounts read the way Vietnamese people say them — for the payment speaker (web `speech.ts`) and in words on fee
 * receipts (`fee/receipt.ts`); import-free, so the browser and the server share it: "ba mươi lăm nghìn",
 * "hai triệu không trăm linh năm nghìn". Rules (sources cited in vietnameseNumbers.test.ts):
 *  - after "mươi" (tens ≥ 2): 1 is "mốt", 4 is "tư", 5 is "lăm"; after "mười": 5 is "lăm", 1 and 4 stay;
 *  - a unit after hundreds with no tens is "linh …" (the Northern form; "lẻ" in the South);
 *  - a group after a larger one is read in full ("không trăm …"); groups of zeros are not read;
 *  - groups are nghìn, triệu, tỷ; beyond tỷ the count of tỷ is itself a number ("mười tỷ", "một nghìn tỷ").
 */
const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
const GROUPS = ["", "nghìn", "triệu"];

/** One group of three digits; `full` when a larger group came before it (so "không trăm linh năm"). */
function group(n: number, full: boolean): string[] {
  const h = Math.floor(n / 100);
  const t = Math.floor(n / 10) % 10;
  const u = n % 10;
  const words: string[] = [];
  if (h > 0 || full) words.push(DIGITS[h]!, "trăm");
  if (t === 0) {
    if (u > 0) words.push(...(words.length ? ["linh"] : []), DIGITS[u]!);
  } else if (t === 1) {
    words.push("mười");
    if (u > 0) words.push(u === 5 ? "lăm" : DIGITS[u]!);
  } else {
    words.push(DIGITS[t]!, "mươi");
    if (u > 0) words.push(u === 1 ? "mốt" : u === 4 ? "tư" : u === 5 ? "lăm" : DIGITS[u]!);
  }
  return words;
}

/** Below a tỷ: up to three groups. */
function belowBillion(n: number, full: boolean): string[] {
  const words: string[] = [];
  const parts = [Math.floor(n / 1e6), Math.floor(n / 1e3) % 1000, n % 1000];
  parts.forEach((part, i) => {
    if (part === 0) return;
    words.push(...group(part, full || words.length > 0));
    const name = GROUPS[2 - i]!;
    if (name) words.push(name);
  });
  return words;
}

/**
 * A non-negative whole number in Vietnamese words.
 * @example readNumber(35_000) // "ba mươi lăm nghìn"
 */
export function readNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Not a whole number: ${n}`);
  if (n === 0) return DIGITS[0]!;
  const words: string[] = [];
  const billions = Math.floor(n / 1e9);
  const rest = n % 1e9;
  if (billions > 0) words.push(readNumber(billions), "tỷ");
  words.push(...belowBillion(rest, billions > 0));
  return words.join(" ");
}

/** What the speaker says for a payment: "Đã nhận ba mươi lăm nghìn đồng". */
export const receivedSentence = (amount: number) => `Đã nhận ${readNumber(amount)} đồng`;

/** What the speaker says when a one-sale code is paid: "Đã thanh toán năm mươi nghìn đồng". */
export const paidSentence = (amount: number) => `Đã thanh toán ${readNumber(amount)} đồng`;

/**
 * An amount of money as a receipt writes it in words ("Số tiền bằng chữ"): capitalised, ending in "đồng".
 * @example amountInWords(20_000) // "Hai mươi nghìn đồng"
 */
export function amountInWords(amount: number): string {
  const words = readNumber(amount);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} đồng`;
}
