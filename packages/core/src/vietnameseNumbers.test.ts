import { describe, expect, it } from "vitest";
import { amountInWords, readNumber, receivedSentence } from "./vietnameseNumbers";

/**
 * The rules, checked against:
 *  - "Cách đếm của người Việt" (VLOS, https://tusach.thuvienkhoahoc.com/wiki/C%C3%A1ch_%C4%91%E1%BA%BFm_c%E1%BB%A7a_ng%C6%B0%E1%BB%9Di_Vi%E1%BB%87t):
 *    1 after tens ≥ 2 is "mốt" (61 "sáu mươi mốt"); 4 after tens is "tư", which is the more common form (24 "hai
 *    mươi tư"), while 14 is "mười bốn" ("mười tư" only in literature); 5 after tens is "lăm" (75 "bảy mươi lăm");
 *    a unit after hundreds or thousands takes "lẻ"/"linh" (107 "một trăm lẻ bảy");
 *  - "Số - Numbers" (https://vietnamese.nil.seattle.wa.us/numbers): "lăm" for 15, 25 … 95 but not for numerals
 *    ending in "05" ("linh năm"); 11 is "mười một", not "mốt";
 *  - a worked example of a number whose middle group is 00x: 2.002 "hai nghìn không trăm linh hai" (waiyulw.com).
 */
describe("readNumber", () => {
  it.each([
    [35_000, "ba mươi lăm nghìn"],
    [1_250_000, "một triệu hai trăm năm mươi nghìn"],
    [2_005_000, "hai triệu không trăm linh năm nghìn"],
    [10_000_000_000, "mười tỷ"],
    [105_000, "một trăm linh năm nghìn"],
    [21_000, "hai mươi mốt nghìn"],
    [15_000, "mười lăm nghìn"],
    [25_000, "hai mươi lăm nghìn"],
    [14_000, "mười bốn nghìn"],
    [1_000_000, "một triệu"],
    [11_000, "mười một nghìn"],
    [24_000, "hai mươi tư nghìn"],
    [500, "năm trăm"],
    [5, "năm"],
    [0, "không"],
    [2_002, "hai nghìn không trăm linh hai"],
    [1_234_567_890, "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi"],
    [1_000_000_000_000, "một nghìn tỷ"],
    [
      9_999_999_999_999,
      "chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
    ],
  ])("%d → %s", (n, words) => {
    expect(readNumber(n)).toBe(words);
  });

  it("refuses what is not a whole amount", () => {
    expect(() => readNumber(-1)).toThrow(RangeError);
    expect(() => readNumber(1.5)).toThrow(RangeError);
  });

  it("makes the speaker's sentence", () => {
    expect(receivedSentence(35_000)).toBe("Đã nhận ba mươi lăm nghìn đồng");
  });

  it("writes a receipt's amount in words, capitalised and in đồng", () => {
    expect(amountInWords(20_000)).toBe("Hai mươi nghìn đồng");
    expect(amountInWords(1_505_000)).toBe("Một triệu năm trăm linh năm nghìn đồng");
  });
});
