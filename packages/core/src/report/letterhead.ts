import table from "./letterheads.json";

/**
 * The administrative header and footer of a province's report, as Decree 30/2020/NĐ-CP (Appendix I) lays out an
 * administrative document: issuing body under its parent body, the document number, the national title and motto,
 * place and date, recipients ("Nơi nhận") and the signature block. Set per province in `letterheads.json`.
 */
export interface Letterhead {
  parentBody: string;
  issuingBody: string;
  /** After "Số: ……/" — the number itself is written in by the office's clerk when it registers the report. */
  numberSuffix: string;
  /** Where the report is made: the province's name unless set. */
  place?: string;
  recipients: string[];
  /** "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"… (empty when the head signs). */
  signerAuthority: string;
  signerTitle: string;
  signerName: string;
}

const DEFAULT = table.default as Letterhead;
const BY_PROVINCE = table.provinces as Record<string, Partial<Letterhead>>;

/** The letterhead for a province (or, without one, for the whole country's report), defaults filled in. */
export function letterheadFor(province: string | undefined): Letterhead {
  const own = province
    ? Object.entries(BY_PROVINCE).find(([name]) => name.toLowerCase() === province.toLowerCase())?.[1]
    : undefined;
  const merged: Letterhead = { ...DEFAULT, ...own };
  const name = province ?? "";
  return {
    ...merged,
    parentBody: province ? merged.parentBody.replace("{PROVINCE}", name.toUpperCase()) : "BỘ CÔNG THƯƠNG",
    issuingBody: province ? merged.issuingBody : "",
    place: merged.place ?? (province || "Hà Nội"),
  };
}

/**
 * "Tuyên Quang, ngày 02 tháng 12 năm 2026": the place and date line. Decree 30 writes a 0 before days below 10 and
 * before months 1 and 2 only ("ngày 05 tháng 3", "ngày 05 tháng 02").
 */
export function placeAndDate(place: string, localDate: string): string {
  const month = Number(localDate.slice(5, 7));
  return `${place}, ngày ${localDate.slice(8, 10)} tháng ${month < 3 ? `0${month}` : month} năm ${localDate.slice(0, 4)}`;
}
