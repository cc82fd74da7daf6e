import { toSvg } from "@market40/core/vietqr/qrMatrix";
import { dateTime, esc } from "../format";
import { t } from "../i18n";

/**
 * A person's invitation as the inviter shows it (docs/contract.md §19): its QR to scan with the other phone, the
 * link, the short code to type, and when it stops working. Drawn here, so the code never leaves the page's memory.
 */
export function invitationCard(made: { url: string; expiresAt: string; shortCode?: string }): string {
  return `<figure class="invitation">
    <div class="qr" role="img" aria-label="${t("inviteLink")}">${toSvg(made.url, 220)}</div>
    <figcaption>
      <p><a href="${esc(made.url)}" class="invitation-url">${esc(made.url)}</a></p>
      ${made.shortCode ? `<p>${t("typedCode")}: <b class="card-code">${esc(made.shortCode)}</b></p>` : ""}
      <p class="muted">${t("joinExpires")}: ${esc(dateTime(made.expiresAt))}</p>
    </figcaption>
  </figure>`;
}
