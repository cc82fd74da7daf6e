import { z } from "zod";

/**
 * Messages people read (docs/contract.md §13): every error message and issue is written once, in plain English,
 * and translated here for a Vietnamese reader (the default). `error.code` and `issues[].path` never change with the
 * language; only messages do. The HTTP layer calls {@link localize} on every error body and import report, so a
 * new message needs one entry below — and `test/messages.test.ts` fails on English left in a Vietnamese answer.
 */
export type Lang = "vi" | "en";

/** The reader's language from `Accept-Language`: the first of `vi`/`en` by preference, `vi` by default. */
export function languageOf(header: string | undefined | null): Lang {
  if (!header) return "vi";
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag!.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === "vi" || tag.startsWith("vi-")) return "vi";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return "vi";
}

/**
 * The plain-English message of each kind of schema failure, for every zod schema in the app (a schema's own
 * message, e.g. "1 to 19 letters or digits", wins over these).
 */
function englishIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const n = (v: unknown) => Number(v).toLocaleString("en-US");
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Required";
      return `Expected ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "an object" : `a ${issue.expected}`}`;
    case "too_small":
      if (issue.origin === "string")
        return Number(issue.minimum) <= 1 ? "Must not be empty" : `At least ${n(issue.minimum)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `At least ${n(issue.minimum)} items`;
      return `At least ${n(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "string") return `At most ${n(issue.maximum)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `At most ${n(issue.maximum)} items`;
      return `At most ${n(issue.maximum)}`;
    case "invalid_value":
      return `One of: ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `Not a field this accepts: ${issue.keys.join(", ")}`;
    case "invalid_format":
      if (issue.format === "datetime") return "Expected an ISO 8601 date-time with a time zone";
      if (issue.format === "date") return "Expected a date YYYY-MM-DD";
      return "Not in the expected format";
    case "not_multiple_of":
      return "Expected a whole number";
    default:
      return "Not valid";
  }
}
z.config({ customError: englishIssue });

type Translation = string | ((m: RegExpExecArray) => string);

/** Field names as a market manager calls them, for `path: message` lines (CSV import reports). */
const FIELDS: Record<string, string> = {
  code: "Mã quầy",
  vendorName: "Tên tiểu thương",
  phone: "Số điện thoại",
  category: "Mặt hàng",
  bank: "Ngân hàng",
  "bank.bin": "Ngân hàng",
  bankBin: "Ngân hàng",
  "bank.accountNumber": "Số tài khoản",
  accountNumber: "Số tài khoản",
  "bank.accountName": "Tên chủ tài khoản",
  accountName: "Tên chủ tài khoản",
  status: "Trạng thái",
  row: "Dòng",
};

const n = (s: string) => Number(s.replace(/,/g, "")).toLocaleString("vi-VN");

/** Vietnamese for each English message: exact sentences first, then patterns for the parametric ones. */
const VI: [RegExp, Translation][] = [
  // Schema failures (englishIssue above and the schemas' own messages).
  [/^Required$/, "Bắt buộc, chưa điền"],
  [/^Expected a (string|number|boolean|list|an object|object)$/, "Sai kiểu dữ liệu"],
  [/^Expected an object$/, "Sai kiểu dữ liệu"],
  [/^Must not be empty$/, "Không được để trống"],
  [/^At least ([\d,]+) characters$/, (m) => `Cần ít nhất ${n(m[1]!)} ký tự`],
  [/^At most ([\d,]+) characters$/, (m) => `Tối đa ${n(m[1]!)} ký tự`],
  [/^At least ([\d,]+) items$/, (m) => `Cần ít nhất ${n(m[1]!)} mục`],
  [/^At most ([\d,]+) items$/, (m) => `Tối đa ${n(m[1]!)} mục`],
  [/^At least ([\d,.-]+)$/, (m) => `Phải từ ${n(m[1]!)} trở lên`],
  [/^At most ([\d,.-]+)$/, (m) => `Tối đa là ${n(m[1]!)}`],
  [/^One of: (.*)$/, (m) => `Phải là một trong: ${m[1]}`],
  [/^Not a field this accepts: (.*)$/, (m) => `Trường không được chấp nhận: ${m[1]}`],
  [/^Not in the expected format$/, "Sai định dạng"],
  [/^Not valid$/, "Giá trị không hợp lệ"],
  [/^Expected a whole number$/, "Phải là số nguyên"],
  [/^Expected an ISO 8601 date-time with a time zone$/, "Cần ngày giờ dạng ISO 8601 có múi giờ"],
  [/^Expected a date YYYY-MM-DD$/, "Cần ngày dạng YYYY-MM-DD"],
  [/^Expected YYYY-MM$/, "Cần tháng dạng YYYY-MM"],
  [/^Expected a local time YYYY-MM-DD HH:mm:ss$/, "Cần giờ địa phương dạng YYYY-MM-DD HH:mm:ss"],
  [/^1 to 19 letters or digits$/, "Số tài khoản chỉ gồm 1–19 chữ số hoặc chữ cái, không dấu cách"],
  [/^Expected a 6-digit bank BIN$/, "Cần mã BIN ngân hàng 6 chữ số, hoặc tên ngân hàng (VD: Agribank)"],
  [/^6-digit BIN$/, "Mã BIN 6 chữ số"],
  [/^Not a bank in the VietQR directory$/, "Không có ngân hàng này trong danh bạ VietQR"],
  [/^Expected a Vietnamese phone number, e.g. 0912345678$/, "Số điện thoại Việt Nam, VD: 0912345678"],
  [
    /^1 to 20 letters, digits or \. _ \/ -, starting with a letter or digit$/,
    "Mã quầy 1–20 ký tự: chữ, số hoặc . _ / -, bắt đầu bằng chữ hoặc số",
  ],
  [/^Lower-case letters, digits and '-', 2 to 40 characters$/, "2–40 ký tự: chữ thường không dấu, số và '-'"],
  [/^1 to 64 letters, digits or \. _ : -$/, "1–64 ký tự: chữ, số hoặc . _ : -"],
  [/^a whole number of VND$/, "Số tiền VND nguyên"],
  [/^At most 9,999,999,999,999$/, "Tối đa 9.999.999.999.999"],
  [/^Not after startedAt$/, "Giờ kết thúc phải sau giờ bắt đầu"],
  [/^In the future$/, "Không được ở tương lai"],
  [/^Older than 7 days$/, "Cũ hơn 7 ngày"],
  [/^Invalid range$/, "Khoảng thời gian không hợp lệ"],
  [/^Range too long$/, "Khoảng thời gian quá dài"],
  [/^Unknown market$/, "Không có chợ này"],
  [/^Unknown stall$/, "Không có quầy này"],
  [/^Only for role liaison$/, "Chỉ dành cho khóa liên lạc ngân hàng"],
  [/^Expected a local time HH:mm \(or 24:00\)$/, "Cần giờ địa phương dạng HH:mm (hoặc 24:00)"],
  [/^`from` must not be after `to`$/, "Ngày bắt đầu không được sau ngày kết thúc"],
  [/^Expected (\d+) columns, found (\d+)$/, (m) => `Cần ${m[1]} cột, dòng này có ${m[2]}`],
  [/^Expected at most 13 digits( \(9,999,999,999,999 VND\))?$/, "Tối đa 13 chữ số (9.999.999.999.999 đ)"],
  [
    /^A positive whole number of VND, at most 13 digits$/,
    "Số tiền là số nguyên dương (đồng), tối đa 13 chữ số",
  ],
  [/^Expected (.+,.+)$/, (m) => `Cần các cột: ${m[1]}`],
  [/^Not a cursor for this list$/, "Con trỏ trang không thuộc danh sách này"],
  [/^Not a cursor this API issued$/, "Con trỏ trang không hợp lệ"],
  [/^Ambiguous: use provider:id$/, "Không rõ: ghi dạng nhà-cung-cấp:mã"],
  [/^At most (\d+) levels of arrays and objects$/, (m) => `Tối đa ${m[1]} tầng lồng nhau`],
  // Whole-request errors.
  [/^The request is not valid$/, "Thông tin gửi lên chưa hợp lệ; xem các ô được đánh dấu"],
  [/^A valid API key is required$/, "Cần đăng nhập bằng khóa hợp lệ"],
  [/^This key may not do that$/, "Tài khoản này không có quyền làm việc đó"],
  [/^Only an admin key may do this$/, "Chỉ quản trị viên được làm việc này"],
  [/^This key may not list markets$/, "Tài khoản này không được xem danh sách chợ"],
  [/^This key may not manage this market$/, "Tài khoản này không quản lý chợ này"],
  [/^This key may not read this market$/, "Tài khoản này không được xem chợ này"],
  [/^This key may not read this audit trail$/, "Tài khoản này không được xem nhật ký thay đổi này"],
  [/^This key may not read these evaluations$/, "Tài khoản này không được xem các đánh giá này"],
  [
    /^Only an admin may change an incident an admin reported$/,
    "Chỉ quản trị viên được sửa sự cố do quản trị viên ghi",
  ],
  [/^Only an admin may change a market's (.+)$/, (m) => `Chỉ quản trị viên được đổi ${m[1]} của chợ`],
  [/^Stall '(.+)' not found$/, "Không tìm thấy quầy này"],
  [/^Market '(.+)' not found$/, (m) => `Không tìm thấy chợ '${m[1]}'`],
  [/^Incident '(.+)' not found$/, "Không tìm thấy sự cố này"],
  [/^Payment '(.+)' not found$/, "Không tìm thấy giao dịch này"],
  [
    /^This stall is suspended; its vendor cannot be invited$/,
    "Quầy đang tạm ngưng nên không mời người bán đăng nhập được",
  ],
  [
    /^This invitation was cancelled; ask the market manager for a new one$/,
    "Thẻ mời này đã bị hủy; hãy xin ban quản lý chợ thẻ mới",
  ],
  [
    /^This invitation is void: the stall is suspended$/,
    "Thẻ mời này không còn hiệu lực: quầy đang tạm ngưng",
  ],
  [
    /^This invitation is void: the stall's vendor details changed; ask the market manager for a new one$/,
    "Thẻ mời này không còn hiệu lực: thông tin người bán của quầy đã thay đổi; hãy xin ban quản lý chợ thẻ mới",
  ],
  [
    /^This invitation is void: a newer card was printed for this stall; use the newest card$/,
    "Thẻ mời này không còn hiệu lực: quầy đã được in thẻ mới hơn; hãy dùng thẻ mới nhất",
  ],
  [
    /^This invitation is void: the key that made it was revoked; ask the market manager for a new one$/,
    "Thẻ mời này không còn hiệu lực: khóa đã tạo thẻ bị thu hồi; hãy xin ban quản lý chợ thẻ mới",
  ],
  [
    /^The web app's public address is not configured yet; retry later$/,
    "Chưa cấu hình địa chỉ công khai của ứng dụng; hãy thử lại sau",
  ],
  [
    /^Expected a date from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$/,
    (m) => `Cần một ngày từ ${m[1]} đến ${m[2]}`,
  ],
  [/^Expected a whole number in digits$/, "Cần một số nguyên, chỉ gồm chữ số"],
  [/^Request headers are too large$/, "Phần đầu (header) của yêu cầu quá lớn"],
  [/^Invitation not found$/, "Không tìm thấy thẻ mời này; kiểm tra lại đường dẫn hoặc xin thẻ mới"],
  [/^API key not found$/, "Không tìm thấy khóa này"],
  [/^(Poster|Card) part (\d+) not found$/, (m) => `Không có phần ${m[2]}`],
  [/^No route for (\S+) (\S+)$/, (m) => `Không có đường dẫn ${m[1]} ${m[2]}`],
  [/^(.+) not found$/, "Không tìm thấy"],
  [/^Stall code '(.+)' is already used in this market$/, (m) => `Mã quầy '${m[1]}' đã có trong chợ này`],
  [
    /^This bank account is already registered to a stall$/,
    "Tài khoản ngân hàng này đã gắn với một quầy khác",
  ],
  [
    /^(Another change to (the same data|this account) was in progress|The (stall|market|incident) changed meanwhile); retry$/,
    "Dữ liệu vừa được người khác sửa; hãy thử lại",
  ],
  [/^Market '(.+)' already exists$/, (m) => `Chợ '${m[1]}' đã có`],
  [
    /^This stall is suspended; its payment code is not issued$/,
    "Quầy đang tạm ngưng nên không cấp mã QR thanh toán",
  ],
  [
    /^This invitation has already been used; ask the market manager for a new one$/,
    "Thẻ mời này đã dùng rồi; hãy xin ban quản lý chợ thẻ mới",
  ],
  [
    /^This invitation has expired; ask the market manager for a new one$/,
    "Thẻ mời này đã hết hạn; hãy xin ban quản lý chợ thẻ mới",
  ],
  [
    /^An incident cannot (start|end) in the future$/,
    (m) => `Sự cố không thể ${m[1] === "start" ? "bắt đầu" : "kết thúc"} ở tương lai`,
  ],
  [/^`endedAt` must be after `startedAt`$/, "Giờ kết thúc phải sau giờ bắt đầu"],
  [/^`from` and `to` must be dates with from ≤ to$/, "Cần hai ngày, ngày đầu không sau ngày cuối"],
  [/^`period` must be YYYY-MM$/, "Kỳ phải có dạng YYYY-MM"],
  [/^(.+) may cover at most (\d+) days$/, (m) => `Tối đa ${m[2]} ngày`],
  [
    /^The (file|statement) is not UTF-8 text; save it as 'CSV UTF-8' and try again$/,
    "Tệp không phải văn bản UTF-8; trong Excel hãy lưu dạng 'CSV UTF-8' rồi thử lại",
  ],
  [/^The (file|statement) is not valid CSV: (.*)$/, (m) => `Tệp CSV bị lỗi: ${m[2]}`],
  [
    /^The (file|statement) is empty: expected a header row and data$/,
    "Tệp trống: cần một dòng tiêu đề và dữ liệu",
  ],
  [
    /^The header row lacks: (.*)$/,
    (m) =>
      `Dòng tiêu đề thiếu cột: ${m[1]!
        .split(", ")
        .map((c) => FIELDS[c] ?? c)
        .join(", ")}`,
  ],
  [
    /^The (file|statement) is not a readable Excel workbook; save it as \.xlsx or CSV UTF-8$/,
    "Không đọc được tệp Excel này; hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
  ],
  [
    /^'(.*)' is in scientific notation, so Excel has lost digits — format the column as Text and type the number again$/,
    (m) =>
      `nhận được '${m[1]}': Excel đã đổi số sang dạng số mũ nên mất chữ số — hãy định dạng cột là Văn bản (Text) rồi gõ lại đủ số`,
  ],
  [
    /^'(.*)' has lost its leading 0 — format the column as Text and type (\d+)$/,
    (m) => `nhận được '${m[1]}': đã mất số 0 ở đầu — hãy định dạng cột là Văn bản (Text) rồi gõ ${m[2]}`,
  ],
  [
    /^'(.*)' is stored as a number, so a leading 0 may be lost — format the column as Text and type the number again$/,
    (m) =>
      `nhận được '${m[1]}': Excel lưu ô này dạng số nên có thể đã mất số 0 ở đầu — hãy định dạng cột là Văn bản (Text) rồi gõ lại số`,
  ],
  [
    /^In scientific notation, so digits are lost — type the whole number again$/,
    "Số bị đổi sang dạng số mũ (VD 8,88801E+12) nên đã mất chữ số — hãy gõ lại đủ số",
  ],
  [
    /^The leading 0 is missing — a mobile number has 10 digits from 0$/,
    "Thiếu số 0 ở đầu — số di động gồm 10 chữ số, bắt đầu bằng 0",
  ],
  [
    /^At most (\d+) rows per (file|statement); split the file$/,
    (m) => `Tối đa ${n(m[1]!)} dòng mỗi tệp; hãy chia nhỏ tệp`,
  ],
  [/^The file is larger than 5 MiB; split it$/, "Tệp lớn hơn 5 MiB; hãy chia nhỏ"],
  [/^The request body is larger than (\d+) KiB$/, (m) => `Dữ liệu gửi lên lớn hơn ${m[1]} KiB`],
  [/^The request body is too large$/, "Dữ liệu gửi lên quá lớn"],
  [/^Send the file with Content-Type: text\/csv$/, "Hãy gửi tệp dạng CSV (Content-Type: text/csv)"],
  [
    /^Send the file as CSV \(text\/csv\) or Excel \(\.xlsx\)$/,
    "Hãy gửi tệp CSV (text/csv) hoặc Excel (.xlsx)",
  ],
  [/^Too many requests; slow down and retry later$/, "Quá nhiều yêu cầu; hãy đợi một lát rồi thử lại"],
  [/^The data store is unavailable; retry later$/, "Máy chủ dữ liệu đang bận; hãy thử lại sau"],
  [/^The store (cancelled the change|is busy.*); retry.*$/, "Máy chủ dữ liệu đang bận; hãy thử lại"],
  [/^Something went wrong on our side$/, "Có lỗi ở phía máy chủ; hãy thử lại sau"],
  [/^Invalid cursor$/, "Con trỏ trang không hợp lệ"],
  [/^The request was closed before it was received$/, "Yêu cầu bị ngắt trước khi gửi xong"],
  [/^A manager or device key needs a marketId$/, "Khóa quản lý hoặc thiết bị cần mã chợ"],
  [/^A vendor key needs a stallId$/, "Khóa tiểu thương cần mã quầy"],
  [/^Only a liaison key is scoped to a province$/, "Chỉ khóa liên lạc ngân hàng mới gắn với tỉnh"],
  // People and their sign-in (§19).
  [/^Person not found$/, "Không tìm thấy người này"],
  [/^This key may not create this person$/, "Tài khoản này không được thêm người này"],
  [/^This key may not list these people$/, "Tài khoản này không được xem danh sách người này"],
  [/^This key may not change this person$/, "Tài khoản này không được thay đổi người này"],
  [/^A manager needs a marketId$/, "Người quản lý chợ cần mã chợ"],
  [/^Only a manager belongs to a market$/, "Chỉ người quản lý chợ mới gắn với một chợ"],
  [/^Only for role manager$/, "Chỉ dành cho vai trò quản lý chợ"],
  [/^Only a liaison is scoped to a province$/, "Chỉ cán bộ liên lạc mới gắn với một tỉnh"],
  [/^The passkey was not accepted; try again$/, "Khoá truy cập không được chấp nhận; hãy thử lại"],
  [/^Session not found$/, "Không tìm thấy phiên đăng nhập này"],
  [
    /^Only a person signed in with a passkey may do this$/,
    "Chỉ người đã đăng nhập bằng khoá truy cập mới làm được việc này",
  ],
  [
    /^This request came from another site; open the app at its own address$/,
    "Yêu cầu này đến từ một trang khác; hãy mở ứng dụng tại đúng địa chỉ của nó",
  ],
  [/^This request did not come from the app's own address$/, "Yêu cầu này không đến từ địa chỉ của ứng dụng"],
  [
    /^The x-csrf-token header is missing or wrong; reload the app and try again$/,
    "Thiếu hoặc sai mã chống giả mạo (x-csrf-token); hãy tải lại ứng dụng rồi thử lại",
  ],
  [/^This person is suspended$/, "Người này đang bị tạm dừng"],
  [/^This person is suspended; they cannot be invited$/, "Người này đang bị tạm dừng; không thể mời"],
  [
    /^This invitation has already been used; ask for a new one$/,
    "Lời mời này đã được dùng; hãy xin lời mời mới",
  ],
  [/^This invitation was cancelled; ask for a new one$/, "Lời mời này đã bị huỷ; hãy xin lời mời mới"],
  [/^This invitation has expired; ask for a new one$/, "Lời mời này đã hết hạn; hãy xin lời mời mới"],
  [
    /^This invitation is void: the person is suspended$/,
    "Lời mời này không còn hiệu lực: người được mời đang bị tạm dừng",
  ],
  [
    /^This invitation is void: a newer one was made; use the newest$/,
    "Lời mời này không còn hiệu lực: đã có lời mời mới hơn",
  ],
  [
    /^This invitation is void: whoever made it no longer has access; ask for a new one$/,
    "Lời mời này không còn hiệu lực: người mời không còn quyền; hãy xin lời mời mới",
  ],
  [/^No such (market|stall)$/, (m) => (m[1] === "market" ? "Không có chợ này" : "Không có quầy này")],
  [/^This token is already in use$/, "Mã khóa này đã được dùng"],
  [
    /^This payment (is already counted for a stall|was assigned meanwhile)$/,
    "Giao dịch này đã được gán cho một quầy",
  ],
  [/^A suspended stall cannot be given payments$/, "Không thể gán tiền cho quầy đang tạm ngừng"],
  [/^The stall is suspended$/, "Quầy đang tạm ngừng"],
  [
    /^The payment was made to another account than this stall's: say why it is theirs$/,
    "Khoản tiền được chuyển vào tài khoản khác với tài khoản của quầy: hãy ghi lý do vì sao là của quầy này",
  ],
  [
    /^Required when the stall's account differs from the payment's$/,
    "Bắt buộc khi tài khoản của quầy khác tài khoản nhận tiền",
  ],
  [/^The stall changed or was suspended meanwhile; retry$/, "Quầy vừa được sửa hoặc tạm ngừng; hãy thử lại"],
  [
    /^The amount must be a whole number of VND of at most 13 digits$/,
    "Số tiền phải là số VND nguyên, tối đa 13 chữ số",
  ],
  [/^Some beats are out of range; nothing was stored$/, "Có tín hiệu ngoài khoảng cho phép; chưa lưu gì"],
  [/^This market could not be evaluated$/, "Chưa đánh giá được chợ này"],
  [/^A money total is past the range a report can state exactly$/, "Tổng tiền vượt quá giới hạn báo cáo"],
  [
    /^A money total of market '(.+)' is past the range a report can state exactly$/,
    (m) => `Tổng tiền của chợ '${m[1]}' vượt quá giới hạn báo cáo có thể ghi chính xác`,
  ],
  [/^Only the market's device key may post heartbeats$/, "Chỉ khóa thiết bị của chợ mới được gửi tín hiệu"],
  [/^Some beats contradict each other; nothing was stored$/, "Có tín hiệu mâu thuẫn nhau; chưa lưu gì"],
  [
    /^Some beats contradict stored beats; nothing was stored$/,
    "Có tín hiệu trái với tín hiệu đã lưu; chưa lưu gì",
  ],
  [/^Contradicts beats\.(\d+) for the same instant$/, (m) => `Mâu thuẫn với beats.${m[1]} cùng thời điểm`],
  [
    /^A beat for this instant is already stored as (ok|failed); a stored beat is never changed$/,
    (m) =>
      `Tín hiệu thời điểm này đã được lưu là ${m[1] === "ok" ? "bình thường" : "mất kết nối"}; tín hiệu đã lưu không bao giờ bị sửa`,
  ],
  [/^Invalid stall$/, "Thông tin quầy chưa hợp lệ"],
  [/^Stall code '(.+)' repeats line (\d+)$/, (m) => `Mã quầy '${m[1]}' trùng với dòng ${m[2]}`],
  [/^This bank account repeats line (\d+)$/, (m) => `Tài khoản ngân hàng trùng với dòng ${m[1]}`],
  [/^Line (\d+), stall (.+)$/, (m) => `Dòng ${m[1]}, quầy ${m[2]}`],
  // A provider's export uploaded for reconciliation: the column as the file names it and the value as received.
  [/^Column '(.+)' is empty$/, (m) => `Cột '${m[1]}' đang trống`],
  [
    /^Column '(.+)': '(.*)' is not a date and time — expected (.+)$/,
    (m) => `Cột '${m[1]}': nhận được '${m[2]}', không phải ngày giờ — cần dạng ${m[3]}`,
  ],
  // A bank's statement read through its column mapping (docs/contract.md §18).
  [
    /^No column mapping is set for bank (.+); an admin sets it first \(PUT (.+)\)$/,
    (m) =>
      `Chưa đặt cột cho sao kê của ngân hàng ${m[1]}: quản trị viên cần đặt trước một lần (cột mã giao dịch, ngày giờ, số tiền ghi có, số tài khoản) rồi tải lại (PUT ${m[2]})`,
  ],
  [/^No column mapping is set for bank (.+)$/, (m) => `Chưa đặt cột cho sao kê của ngân hàng ${m[1]}`],
  [/^Unknown bank BIN '(.*)'$/, (m) => `Mã BIN '${m[1]}' không phải ngân hàng nào trong danh sách VietQR`],
  [/^not a VietQR bank$/, "không có trong danh sách ngân hàng VietQR"],
  [
    /^Give either accountNumber \(a column\) or fixedAccountNumber \(one account\), not both$/,
    "Chọn một: cột số tài khoản, hoặc một số tài khoản cố định cho cả sao kê",
  ],
  [
    /^dd, MM, yyyy, HH, mm, ss and separators, e\.g\. dd\/MM\/yyyy HH:mm:ss$/,
    "chỉ gồm dd, MM, yyyy, HH, mm, ss và dấu phân cách, ví dụ dd/MM/yyyy HH:mm:ss",
  ],
  [/^needs dd, MM and yyyy$/, "cần có dd, MM và yyyy"],
  [
    /^Column '(.+)': '(.*)' is not a whole amount of VND$/,
    (m) => `Cột '${m[1]}': nhận được '${m[2]}', không phải số tiền nguyên (đồng)`,
  ],
  [
    /^Column '(.+)': '(.*)' is not an account number — 1 to 19 letters or digits$/,
    (m) => `Cột '${m[1]}': nhận được '${m[2]}', không phải số tài khoản (1–19 chữ số hoặc chữ cái)`,
  ],
  [
    /^Column '(.+)': '(.*)' is not a transaction id — 1 to 64 letters, digits or \. _ : -$/,
    (m) => `Cột '${m[1]}': nhận được '${m[2]}', không phải mã giao dịch (1–64 ký tự: chữ, số hoặc . _ : -)`,
  ],
  [
    /^expected ISO 8601 with an offset, or local YYYY-MM-DD HH:mm:ss$/,
    "cần ngày giờ ISO 8601 có múi giờ, hoặc giờ Việt Nam dạng YYYY-MM-DD HH:mm:ss",
  ],
  // Fees (docs/contract.md §20)
  [/^Bill not found$/, "Không tìm thấy khoản phí này"],
  [/^A waived bill has no receipt$/, "Khoản phí đã được miễn nên không có biên lai"],
  [
    /^This bill has no receipt: nothing has been paid on it$/,
    "Khoản phí này chưa có biên lai: chưa nộp đồng nào",
  ],
  [/^Invalid bill id$/, "Mã khoản phí không hợp lệ"],
  [/^Letters and digits only$/, "Chỉ gồm chữ cái và chữ số"],
  [/^Expected a date YYYY-MM-DD or a month YYYY-MM$/, "Cần một ngày YYYY-MM-DD hoặc một tháng YYYY-MM"],
  [
    /^This bank account is already registered on the platform$/,
    "Tài khoản ngân hàng này đã được đăng ký trên hệ thống",
  ],
  [
    /^This market's fees may be per (.+)$/,
    (m) =>
      `Phí của chợ này chỉ thu theo ${m[1]!
        .split(" or per ")
        .map((p) => ({ session: "phiên", day: "ngày", month: "tháng" })[p] ?? p)
        .join(" hoặc theo ")}`,
  ],
  [/^Two rates for the same stalls from the same date$/, "Hai mức phí cho cùng đối tượng từ cùng một ngày"],
  [/^No such stall in this market$/, "Chợ này không có quầy này"],
  [/^Invalid fee schedule$/, "Biểu phí chưa hợp lệ"],
  [
    /^A manager may add, change or remove only rates that start after today; ask an admin$/,
    "Ban quản lý chỉ được thêm, sửa hoặc xóa mức phí bắt đầu sau hôm nay; hãy nhờ quản trị viên",
  ],
  [/^The fee schedule changed meanwhile; retry$/, "Biểu phí vừa được người khác sửa; hãy thử lại"],
  [
    /^This payment was made to a market board's account; it is a fee, not a stall's takings$/,
    "Khoản tiền này được chuyển vào tài khoản thu phí của ban quản lý chợ: đó là phí chợ, không phải tiền bán hàng của quầy",
  ],
  [/^Paid to a market board$/, "Đã chuyển vào tài khoản của ban quản lý chợ"],
  [/^Bill '(.+)' not found$/, "Không tìm thấy khoản phí này"],
  [/^This bill is already settled or waived$/, "Khoản phí này đã được nộp đủ hoặc đã được miễn"],
  [
    /^The bill is (open|partly-paid|paid|paid-cash|waived)$/,
    (m) =>
      `Khoản phí đang ở trạng thái: ${
        (
          {
            open: "chưa nộp",
            "partly-paid": "nộp thiếu",
            paid: "đã nộp",
            "paid-cash": "đã nộp tiền mặt",
            waived: "được miễn",
          } as Record<string, string>
        )[m[1]!]
      }`,
  ],
  [/^This bill changed meanwhile; retry$/, "Khoản phí vừa thay đổi; hãy thử lại"],
  [/^This bill was waived; it takes no payment$/, "Khoản phí này đã được miễn, không nhận thêm tiền"],
  [/^This payment already settles a bill$/, "Khoản tiền này đã được ghi cho một khoản phí"],
  [/^It settles (.+)$/, (m) => `Đã ghi cho khoản phí ${m[1]}`],
  [/^Assigned$/, "Đã được gán"],
  [/^Not a bill of this market$/, "Không phải khoản phí của chợ này"],
  [/^No such bill$/, "Không có khoản phí này"],
  [/^Nothing is owed on this bill$/, "Khoản phí này không còn phải nộp"],
  [/^The market board has no collection account yet$/, "Ban quản lý chợ chưa đăng ký tài khoản thu phí"],
  [/^Expected a month YYYY-MM$/, "Cần tháng dạng YYYY-MM"],
];

function translateOne(message: string): string | undefined {
  for (const [pattern, vi] of VI) {
    const m = pattern.exec(message);
    if (m) return typeof vi === "string" ? vi : vi(m);
  }
  return undefined;
}

/**
 * A message in the reader's language. English is the source; Vietnamese comes from the table above, including
 * `path: message` parts joined with "; " (an import row's problems). A message the table lacks falls back to a
 * plain Vietnamese sentence for its kind rather than showing English.
 */
export function translate(message: string, lang: Lang, fallback = "Yêu cầu chưa thực hiện được"): string {
  if (lang === "en") return message;
  const whole = translateOne(message);
  if (whole !== undefined) return whole;
  const parts = message.split("; ").map((part) => {
    const own = translateOne(part);
    if (own !== undefined) return own;
    const field = /^([A-Za-z.]+): (.+)$/.exec(part);
    if (field) {
      const text = translateOne(field[2]!) ?? fallback;
      return `${FIELDS[field[1]!] ?? field[1]}: ${text}`;
    }
    return undefined;
  });
  return parts.every((p) => p !== undefined) ? parts.join("; ") : fallback;
}

/** What each error code means to a reader when its message has no translation. */
export const FALLBACK: Record<string, string> = {
  validation_error: "Thông tin gửi lên chưa hợp lệ",
  unauthorized: "Cần đăng nhập bằng khóa hợp lệ",
  forbidden: "Tài khoản này không có quyền làm việc đó",
  not_found: "Không tìm thấy",
  conflict: "Dữ liệu bị trùng hoặc vừa thay đổi; hãy kiểm tra lại",
  gone: "Đã dùng hoặc đã hết hạn",
  payload_too_large: "Dữ liệu gửi lên quá lớn",
  unsupported_media_type: "Sai loại dữ liệu gửi lên",
  rate_limited: "Quá nhiều yêu cầu; hãy đợi một lát",
  unavailable: "Máy chủ đang bận; hãy thử lại sau",
  internal_error: "Có lỗi ở phía máy chủ; hãy thử lại sau",
};

/** An error body in the reader's language; `code` and each issue's `path` unchanged. */
export function localize<
  T extends { error: { code: string; message: string; issues?: { path: string; message: string }[] } },
>(body: T, lang: Lang): T {
  if (lang === "en") return body;
  const fallback = FALLBACK[body.error.code];
  return {
    ...body,
    error: {
      ...body.error,
      message: translate(body.error.message, lang, fallback),
      ...(body.error.issues
        ? { issues: body.error.issues.map((i) => ({ ...i, message: translate(i.message, lang, fallback) })) }
        : {}),
    },
  };
}
