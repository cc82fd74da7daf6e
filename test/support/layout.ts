import type { Page } from "playwright-core";

/**
 * How wide the page is, and the elements that stick out past the viewport's right edge (deepest first), so a
 * failed "no sideways scroll" check names its cause.
 */
export function pageWidth(page: Page): Promise<{ width: number; culprits: string[] }> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${[...el.classList].map((c) => `.${c}`).join("")}`;
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > limit + 0.5 && !el.parentElement?.closest(".scroll"))
      .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > limit + 0.5))
      .slice(0, 5)
      .map((el) => `${el.parentElement ? name(el.parentElement) : ""} > ${name(el)}`);
    return { width: document.documentElement.scrollWidth, culprits };
  });
}
