import { currentLang } from "../lang";

/**
 * The public calendar page's words (docs/contract.md §21), Vietnamese first. Apart from the app's dictionary
 * (i18n.ts) so a visitor's phone loads these few and not the officials' hundreds.
 */
const vi = {
  title: "Lịch chợ phiên",
  intro:
    "Chợ nào họp hôm nào, mấy giờ: ngày thứ, ngày con giáp và ngày âm lịch đã được tính sẵn ra ngày dương lịch. Không cần đăng nhập.",
  search: "Tìm chợ theo tên, xã hoặc tỉnh",
  count: "{n} chợ",
  countOne: "1 chợ",
  noMatch: "Không tìm thấy chợ nào. Thử gõ ít chữ hơn.",
  noMarkets: "Chưa có chợ nào công bố lịch.",
  inSession: "Đang họp",
  inSessionUntil: "đang họp, đến {time}",
  today: "hôm nay",
  tomorrow: "ngày mai",
  nextSessions: "Các phiên tới",
  noSessions: "Chưa có phiên nào trong 12 tháng tới.",
  hours: "Giờ họp",
  nextDay: "hôm sau",
  daily: "Họp hằng ngày",
  weekly: "Họp {days} hằng tuần",
  zodiac: "Họp {days}",
  zodiacDay: "ngày {branch}",
  lunarYearly: "Họp ngày {days} tháng {months} âm lịch hằng năm",
  lunarMonthly: "Họp ngày {days} âm lịch hằng tháng",
  lunarDate: "{day}/{month}{leap} âm lịch",
  leap: " nhuận",
  qrShare: "{pct} % quầy nhận chuyển khoản",
  qrNone: "Chưa có đánh giá chuyển khoản",
  addCalendar: "Thêm vào lịch",
  addProvince: "Thêm lịch mọi chợ ở {province}",
  calendarHelp:
    "“Thêm vào lịch” mở tệp lịch (.ics): điện thoại hỏi thêm các phiên vào ứng dụng Lịch và nhắc bạn trước ngày họp.",
  offline: "Không có mạng: đây là lịch đã lưu{at}, có thể chưa cập nhật.",
  savedAt: " lúc {time}",
  failed: "Không tải được lịch chợ",
  offlineFirst: "Không có mạng, và máy này chưa lưu lịch chợ. Hãy mở lại trang khi có sóng.",
  retry: "Thử lại",
  loading: "Đang tải",
  signIn: "Đăng nhập",
  myPages: "Trang của tôi",
};
type Word = keyof typeof vi;

const en: Record<Word, string> = {
  title: "Market calendar",
  intro:
    "Which market meets when: weekday, zodiac-day and lunar-date markets, worked out as calendar dates. No sign-in needed.",
  search: "Find a market by name, commune or province",
  count: "{n} markets",
  countOne: "1 market",
  noMatch: "No market found. Try typing less.",
  noMarkets: "No market has published its calendar yet.",
  inSession: "Open now",
  inSessionUntil: "open now, until {time}",
  today: "today",
  tomorrow: "tomorrow",
  nextSessions: "Next sessions",
  noSessions: "No session in the next 12 months.",
  hours: "Hours",
  nextDay: "next day",
  daily: "Meets every day",
  weekly: "Meets every {days}",
  zodiac: "Meets on {days}",
  zodiacDay: "{animal} days ({branch})",
  lunarYearly: "Meets every year on lunar day {days} of month {months}",
  lunarMonthly: "Meets every lunar month on day {days}",
  lunarDate: "lunar {day}/{month}{leap}",
  leap: " (leap month)",
  qrShare: "{pct} % of stalls take bank transfers",
  qrNone: "No evaluation of bank transfers yet",
  addCalendar: "Add to calendar",
  addProvince: "Add every market in {province}",
  calendarHelp:
    "“Add to calendar” opens a calendar file (.ics): your phone offers to add the sessions to its Calendar app and reminds you.",
  offline: "No network: this is the calendar saved{at}, and it may be out of date.",
  savedAt: " at {time}",
  failed: "Could not load the market calendar",
  offlineFirst:
    "No network, and this phone has not saved the calendar yet. Open the page again when you have signal.",
  retry: "Retry",
  loading: "Loading",
  signIn: "Sign in",
  myPages: "My pages",
};

/** A word of the page in the current language, with `{name}` filled from `values`. */
export function word(key: Word, values: Record<string, string | number> = {}): string {
  const text = (currentLang() === "vi" ? vi : en)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
}
