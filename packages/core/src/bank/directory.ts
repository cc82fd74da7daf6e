import { z } from "zod";
/**
 * Banks that can receive VietQR (NAPAS 247) transfers, keyed by BIN — never by short code, which
 * differs between lists. Kept as data with its source so it can be refreshed without code changes.
 *
 * Source: BINs from the State Bank of Vietnam's letter 1589/NHNN-TT (03/2024) for the banks marked `sbv`;
 * the others from the public VietQR bank list (NAPAS participants, as published in 2024). Short names as
 * in that list. E-wallet BINs (Viettel Money, VNPT Money) appear only in the VietQR list.
 * Reviewed: 2026-11.
 */
export interface Bank {
  bin: string;
  shortName: string;
  name: string;
  source: "sbv" | "vietqr-list";
}

const BANKS: Bank[] = [
  {
    bin: "970405",
    shortName: "Agribank",
    name: "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
    source: "sbv",
  },
  { bin: "970436", shortName: "Vietcombank", name: "Ngân hàng TMCP Ngoại thương Việt Nam", source: "sbv" },
  { bin: "970415", shortName: "VietinBank", name: "Ngân hàng TMCP Công thương Việt Nam", source: "sbv" },
  { bin: "970418", shortName: "BIDV", name: "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", source: "sbv" },
  { bin: "970422", shortName: "MBBank", name: "Ngân hàng TMCP Quân đội", source: "sbv" },
  { bin: "970407", shortName: "Techcombank", name: "Ngân hàng TMCP Kỹ thương Việt Nam", source: "sbv" },
  { bin: "970432", shortName: "VPBank", name: "Ngân hàng TMCP Việt Nam Thịnh Vượng", source: "sbv" },
  { bin: "970416", shortName: "ACB", name: "Ngân hàng TMCP Á Châu", source: "sbv" },
  { bin: "970403", shortName: "Sacombank", name: "Ngân hàng TMCP Sài Gòn Thương Tín", source: "sbv" },
  { bin: "970449", shortName: "LPBank", name: "Ngân hàng TMCP Lộc Phát Việt Nam", source: "sbv" },
  { bin: "970423", shortName: "TPBank", name: "Ngân hàng TMCP Tiên Phong", source: "sbv" },
  { bin: "971005", shortName: "ViettelMoney", name: "Ví điện tử Viettel Money", source: "vietqr-list" },
  { bin: "971011", shortName: "VNPTMoney", name: "Ví điện tử VNPT Money", source: "vietqr-list" },
  { bin: "970425", shortName: "ABBANK", name: "Ngân hàng TMCP An Bình", source: "vietqr-list" },
  { bin: "970409", shortName: "BacABank", name: "Ngân hàng TMCP Bắc Á", source: "vietqr-list" },
  { bin: "970438", shortName: "BaoVietBank", name: "Ngân hàng TMCP Bảo Việt", source: "vietqr-list" },
  {
    bin: "970431",
    shortName: "Eximbank",
    name: "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam",
    source: "vietqr-list",
  },
  {
    bin: "970437",
    shortName: "HDBank",
    name: "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh",
    source: "vietqr-list",
  },
  { bin: "970452", shortName: "KienLongBank", name: "Ngân hàng TMCP Kiên Long", source: "vietqr-list" },
  { bin: "970428", shortName: "NamABank", name: "Ngân hàng TMCP Nam Á", source: "vietqr-list" },
  { bin: "970419", shortName: "NCB", name: "Ngân hàng TMCP Quốc Dân", source: "vietqr-list" },
  { bin: "970448", shortName: "OCB", name: "Ngân hàng TMCP Phương Đông", source: "vietqr-list" },
  { bin: "970426", shortName: "MSB", name: "Ngân hàng TMCP Hàng Hải Việt Nam", source: "vietqr-list" },
  { bin: "970440", shortName: "SeABank", name: "Ngân hàng TMCP Đông Nam Á", source: "vietqr-list" },
  { bin: "970443", shortName: "SHB", name: "Ngân hàng TMCP Sài Gòn - Hà Nội", source: "vietqr-list" },
  { bin: "970441", shortName: "VIB", name: "Ngân hàng TMCP Quốc tế Việt Nam", source: "vietqr-list" },
  { bin: "970427", shortName: "VietABank", name: "Ngân hàng TMCP Việt Á", source: "vietqr-list" },
  { bin: "970433", shortName: "VietBank", name: "Ngân hàng TMCP Việt Nam Thương Tín", source: "vietqr-list" },
  { bin: "970454", shortName: "VietCapitalBank", name: "Ngân hàng TMCP Bản Việt", source: "vietqr-list" },
  {
    bin: "970430",
    shortName: "PGBank",
    name: "Ngân hàng TMCP Thịnh vượng và Phát triển",
    source: "vietqr-list",
  },
  { bin: "970412", shortName: "PVcomBank", name: "Ngân hàng TMCP Đại Chúng Việt Nam", source: "vietqr-list" },
  {
    bin: "970400",
    shortName: "SaigonBank",
    name: "Ngân hàng TMCP Sài Gòn Công Thương",
    source: "vietqr-list",
  },
  { bin: "970446", shortName: "COOPBANK", name: "Ngân hàng Hợp tác xã Việt Nam", source: "vietqr-list" },
  { bin: "999888", shortName: "VBSP", name: "Ngân hàng Chính sách Xã hội", source: "vietqr-list" },
];

const BY_BIN = new Map(BANKS.map((b) => [b.bin, b]));
const BY_SHORT_NAME = new Map(BANKS.map((b) => [b.shortName.toLowerCase(), b]));

/** Every bank, in directory order (the common ones in the highlands first). */
export function list(): readonly Bank[] {
  return BANKS;
}

/** The bank with this BIN, or undefined when the BIN is not in the directory. */
export function byBin(bin: string): Bank | undefined {
  return BY_BIN.get(bin);
}

/** The bank with this short name (case-insensitive), as aggregators name banks in notifications. */
export function byShortName(name: string): Bank | undefined {
  return BY_SHORT_NAME.get(name.trim().toLowerCase());
}

/** A bank as `GET /api/banks` lists it. */
export const BankSchema = z
  .object({ bin: z.string(), shortName: z.string(), name: z.string() })
  .meta({ id: "Bank" });
