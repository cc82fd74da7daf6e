/** The page's fixed parts (index.html): where screens render, the header's menu, and where focus lands. */
export const app = document.querySelector<HTMLElement>("#app")!;
export const nav = document.querySelector<HTMLElement>("#nav")!;

/** After navigation, keyboard and screen-reader users land on the new page's heading. */
export function focusHeading(): void {
  const h1 = app.querySelector<HTMLElement>("h1");
  if (!h1) return;
  h1.tabIndex = -1;
  h1.focus({ preventScroll: true });
}
