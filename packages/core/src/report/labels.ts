import { TIMEZONE } from "../calendar/localDate";
import { DEFINITIONS, THRESHOLDS } from "../evaluation/evaluate";
import type { Evaluation } from "../evaluation/evaluations";

/** What the province's reports call each rating. */
export const RATING_VI: Record<Evaluation["rating"], string> = {
  pass: "Đạt",
  fail: "Không đạt",
  "insufficient-data": "Chưa đủ dữ liệu",
};

/** The method a set of evaluations used: theirs when they agree on it, else the engine's own (no evaluations). */
export function methodOf(items: Evaluation[]): Evaluation["method"] {
  return items[0]?.method ?? { timezone: TIMEZONE, definitions: DEFINITIONS, thresholds: { ...THRESHOLDS } };
}

/** A defined term; thresholds carry their number (percent) too. */
export interface Definition {
  term: string;
  meaning: string;
  threshold?: number;
}

/**
 * The definitions sheet and the report's notes, in Vietnamese (docs/contract.md §9, docs/evaluations.md). The
 * thresholds are the evaluations' own (`method.thresholds`), never a second copy.
 */
export function definitions(method: Evaluation["method"]): Definition[] {
  const t = method.thresholds;
  return [
    { term: "Bộ định nghĩa", meaning: method.definitions },
    { term: "Múi giờ", meaning: `${method.timezone} (giờ Việt Nam)` },
    {
      term: "Phiên chợ theo lịch",
      meaning:
        "Các phiên theo lịch của chợ (theo thứ, ngày âm lịch, ngày can chi hoặc hằng ngày), trừ ngày nghỉ, tính từ ngày khai trương.",
    },
    {
      term: "Tỷ lệ hoạt động",
      meaning:
        "100 × (phút mở cửa theo lịch − phút gián đoạn) / phút mở cửa theo lịch. Gián đoạn là hợp các sự cố (báo cáo và tự động từ tín hiệu), chỉ tính trong giờ phiên chợ.",
    },
    { term: "Phiên có giao dịch", meaning: "Phiên có ít nhất một giao dịch đã khớp trong giờ phiên." },
    { term: "Tỷ lệ quầy có QR", meaning: "Quầy đã được giao mã QR / quầy đang hoạt động." },
    {
      term: "Tỷ lệ quầy QR có giao dịch",
      meaning: "Quầy có mã QR và có ít nhất một giao dịch trong kỳ / quầy có mã QR.",
    },
    { term: "Giá trị", meaning: "Tổng số tiền (đồng) các giao dịch đã khớp trong kỳ." },
    {
      term: "Người trả tiền khác nhau",
      meaning:
        "Số tài khoản chuyển tiền (ngân hàng + số tài khoản của người trả, lưu dưới dạng mã băm có khóa) khác nhau trong kỳ; giao dịch không kèm tài khoản người trả không được đếm.",
    },
    {
      term: "So với tháng trước",
      meaning:
        "Tỷ lệ: chênh lệch điểm phần trăm; giá trị và người trả: chênh lệch và phần trăm so với tháng trước. So với phiên bản mới nhất của tháng trước tại thời điểm xuất.",
    },
    {
      term: "Tạm tính",
      meaning: "Kỳ chưa kết thúc hoặc được tính trước khi kỳ kết thúc: số liệu có thể còn thay đổi.",
    },
    {
      term: "Phí chợ",
      meaning:
        "Các khoản phí ban quản lý chợ lập cho quầy đến hạn trong kỳ (phí phiên, phí ngày đến hạn trong ngày; phí tháng đến hạn ngày 10 tháng sau). Đã lập: tổng số tiền; được miễn: phần chưa nộp của khoản được miễn; đã thu: số đã nộp (QR và tiền mặt), mỗi khoản tính tối đa bằng số phải nộp; còn nợ: đã lập − được miễn − đã thu. Chợ chưa có biểu phí thì để trống.",
    },
    {
      term: "Tỷ lệ phí thu không dùng tiền mặt",
      meaning: "Phí đã thu qua QR / phí đã thu.",
    },
    { term: "Tỷ lệ phí đã thu", meaning: "Phí đã thu / (phí đã lập − phí được miễn)." },
    {
      term: "Xếp loại",
      meaning:
        t.feesCashlessPct === undefined
          ? `Đạt khi đủ cả ba ngưỡng; Chưa đủ dữ liệu khi không có phiên theo lịch hoặc không có quầy.`
          : `Đạt khi đủ các ngưỡng (ngưỡng phí chỉ áp dụng với chợ có phí phải thu trong kỳ); Chưa đủ dữ liệu khi không có phiên theo lịch hoặc không có quầy.`,
    },
    { term: "Ngưỡng tỷ lệ hoạt động", meaning: `≥ ${t.uptimePct}%`, threshold: t.uptimePct },
    { term: "Ngưỡng tỷ lệ quầy có QR", meaning: `≥ ${t.qrSharePct}%`, threshold: t.qrSharePct },
    {
      term: "Ngưỡng tỷ lệ quầy QR có giao dịch",
      meaning: `≥ ${t.activeSharePct}%`,
      threshold: t.activeSharePct,
    },
    ...(t.feesCashlessPct === undefined
      ? []
      : [
          {
            term: "Ngưỡng tỷ lệ phí thu không dùng tiền mặt",
            meaning: `≥ ${t.feesCashlessPct}%`,
            threshold: t.feesCashlessPct,
          },
        ]),
  ];
}

const numberVi = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });

/** `1234567` → `1.234.567` (vi-VN); null → `—`. */
export function formatNumber(n: number | null): string {
  return n === null ? "—" : numberVi.format(n);
}

/** `20000` → `20.000 ₫` (vi-VN, as a receipt or a sentence writes money). */
export function formatVnd(n: number): string {
  return `${numberVi.format(n)} ₫`;
}

/** "Phí chợ: đã lập 300.000 ₫, đã thu 130.000 ₫ (75,38% không dùng tiền mặt), còn nợ 135.000 ₫". */
export function feesSentence(f: NonNullable<Evaluation["fees"]>): string {
  const cashless = f.feesCashlessPct === null ? "" : ` (${formatPct(f.feesCashlessPct)} không dùng tiền mặt)`;
  return `Phí chợ: đã lập ${formatVnd(f.billed)}, đã thu ${formatVnd(f.collected)}${cashless}, còn nợ ${formatVnd(f.outstanding)}${f.waived > 0 ? `, được miễn ${formatVnd(f.waived)}` : ""}`;
}

/** `75.5` → `75,5%`; null → `—`. */
export function formatPct(n: number | null): string {
  return n === null ? "—" : `${numberVi.format(n)}%`;
}

/** A signed change: `+12.000`, `−3,5` (a true minus sign), `0`. */
export function formatSigned(n: number | null, suffix = ""): string {
  if (n === null) return "—";
  const sign = n > 0 ? "+" : n < 0 ? "−" : "";
  return `${sign}${numberVi.format(Math.abs(n))}${suffix}`;
}

/** `2026-10` → `10/2026`. */
export function monthVi(period: string): string {
  return `${period.slice(5, 7)}/${period.slice(0, 4)}`;
}

/** `2026-10-07` → `07/10`. */
export function dayMonth(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}`;
}
