/**
 * The page's language, Vietnamese first, remembered on the phone. Kept apart from the app's dictionary (i18n.ts)
 * so the public calendar page, which has its own few words, loads without the officials' (docs/contract.md §21).
 */
export type Lang = "vi" | "en";
let lang: Lang = localStorage.getItem("m40.lang") === "en" ? "en" : "vi";

export const currentLang = () => lang;
export function setLang(next: Lang) {
  lang = next;
  localStorage.setItem("m40.lang", next);
  document.documentElement.lang = next;
}
