import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/**
 * People sign in as people (issue 28, docs/contract.md §19), in Chromium with virtual authenticators (Chrome DevTools
 * Protocol `WebAuthn.addVirtualAuthenticator`): an admin invites a manager, who makes a passkey on their phone, signs
 * out and back in with one tap, adds a second device, and ends the first device's session from the second — the
 * first is signed out on its next request.
 */
let rig: WebRig;
beforeAll(async () => {
  rig = await webRig([], "localhost");
}, 120_000);
afterAll(() => rig?.close());

/** A browser profile with a platform authenticator that holds resident keys and verifies its user. */
async function device(
  width = 360,
  serviceWorkers: "allow" | "block" = "allow",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await rig.browser.newContext({ viewport: { width, height: 800 }, serviceWorkers });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page };
}

const signedInAsManager = (page: Page) => page.getByRole("link", { name: "Thiết bị đã đăng nhập" }).waitFor();

describe("passkeys in the browser", () => {
  it("invitation → passkey → sign-out → one-tap sign-in → a second device ends the first one's session", async () => {
    // The admin adds a manager and shows the invitation on screen.
    const admin = await rig.signIn(rig.tokens.admin, 1280);
    await admin.getByRole("link", { name: "Người dùng" }).click();
    await admin.getByLabel("Họ và tên").fill("Lò Thị Mai");
    await admin.getByLabel("Vai trò").selectOption("manager");
    await admin.getByLabel("Chợ", { exact: true }).selectOption({ label: "Chợ phiên Đồng Văn" });
    await admin.getByRole("button", { name: "Thêm người" }).click();
    const link = admin.locator("#shown-invitation a.invitation-url");
    await link.waitFor();
    const url = (await link.getAttribute("href"))!;
    expect(url).toMatch(new RegExp(`^${rig.base}/#/join/[A-Za-z0-9_-]{20,}$`));
    expect(await admin.locator("#shown-invitation svg").count()).toBe(1);
    await admin.screenshot({ path: `${SHOTS}/admin-people-1280.png`, fullPage: true });

    // Her phone: the invitation page, then one button makes the passkey and signs her in.
    const phone = await device();
    await phone.page.goto(url);
    await phone.page.getByText("Lò Thị Mai").waitFor();
    await phone.page.screenshot({ path: `${SHOTS}/join-360.png`, fullPage: true });
    await phone.page.getByRole("button", { name: "Tạo khoá truy cập" }).click();
    await signedInAsManager(phone.page);
    // The code left the address bar; the session lives in an HttpOnly cookie, not in the page's storage.
    expect(phone.page.url()).not.toContain("/join/");
    const cookies = await phone.context.cookies();
    expect(cookies.find((c) => c.name === "m40_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });
    expect(await phone.page.evaluate(() => JSON.stringify(localStorage))).not.toMatch(/m40_/);
    // The invitation is used up.
    expect((await rig.h.call("GET", `/api/join/${url.split("/join/")[1]}`)).status).toBe(410);

    // Sign out, then back in with one tap and nothing typed.
    await phone.page.getByRole("button", { name: "Đăng xuất", exact: true }).click();
    await phone.page.getByRole("button", { name: "Đăng nhập bằng khoá truy cập" }).waitFor();
    await phone.page.screenshot({ path: `${SHOTS}/signin-passkey-360.png`, fullPage: true });
    await phone.page.getByRole("button", { name: "Đăng nhập bằng khoá truy cập" }).click();
    await signedInAsManager(phone.page);
    // A change made through the session (CSRF token and all): her stall list still loads and a stall can be added.
    await phone.page.getByRole("link", { name: "Các quầy" }).click();
    await phone.page.getByText("A-01").first().waitFor();

    // A second device from her signed-in session.
    await phone.page.getByRole("link", { name: "Thiết bị đã đăng nhập" }).click();
    await phone.page.getByRole("button", { name: "Thêm máy khác" }).click();
    const deviceLink = (await phone.page
      .locator("#device-invitation a.invitation-url")
      .getAttribute("href"))!;
    // Its service worker blocked: it would fetch the app's chunks itself (cache first), past the hold below.
    const laptop = await device(1280, "block");
    // While the passkey code is still on its way (a slow network), the button shows disabled: a tap would do nothing.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    await laptop.page.route("**/assets/*.js", async (route) => {
      const res = await route.fetch();
      const body = await res.text();
      if (body.includes(" as startRegistration")) await held;
      await route.fulfill({ response: res, body });
    });
    await laptop.page.goto(deviceLink);
    const create = laptop.page.getByRole("button", { name: "Tạo khoá truy cập" });
    await create.waitFor();
    expect(await create.isDisabled()).toBe(true);
    release();
    await expect.poll(() => create.isEnabled()).toBe(true);
    await create.click();
    await signedInAsManager(laptop.page);

    // The laptop lists both devices and ends the phone's session.
    await laptop.page.getByRole("link", { name: "Thiết bị đã đăng nhập" }).click();
    const rows = laptop.page.locator("#sessions tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await laptop.page.locator("#sessions").textContent()).toContain("Máy này");
    await laptop.page.screenshot({ path: `${SHOTS}/devices-1280.png`, fullPage: true });
    // The screen through axe at both widths, in a copy of the laptop's session that lets axe in past the CSP.
    const state = await laptop.context.storageState();
    for (const width of [360, 1280]) {
      const copy = await rig.browser.newContext({
        viewport: { width, height: 800 },
        bypassCSP: true,
        storageState: state,
      });
      const page = await copy.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${rig.base}/#/devices`);
      await expect.poll(() => page.locator("#sessions tbody tr").count()).toBe(2);
      expect(await axeViolations(page), `devices at ${width} px`).toEqual([]);
      await copy.close();
    }
    await laptop.page.getByRole("button", { name: /^Đăng xuất máy này/ }).click();
    await laptop.page.getByText("Đã đăng xuất máy đó.").waitFor();
    await expect.poll(() => rows.count()).toBe(1);

    // The phone's next request finds its session gone: it is back at the sign-in screen.
    await phone.page.reload();
    await phone.page.getByRole("button", { name: "Đăng nhập bằng khoá truy cập" }).waitFor();
    // The laptop still works.
    await laptop.page.reload();
    await signedInAsManager(laptop.page);

    // The audit names her, not a key.
    const audit = (await rig.h.call("GET", "/api/audit?marketId=dong-van")).body.items as {
      action: string;
      actor: { personId?: string; sessionId?: string };
    }[];
    const registered = audit.filter((e) => e.action === "passkey.registered");
    expect(registered).toHaveLength(2);
    const personId = registered[0]!.actor.personId;
    expect(personId).toBeTruthy();
    // The second device was invited from her signed-in session: that entry names her and the session.
    const deviceInvitation = audit.find(
      (e) => e.action === "invitation.created" && e.actor.personId === personId,
    );
    expect(deviceInvitation?.actor.sessionId).toBeTruthy();
    for (const c of [phone.context, laptop.context, admin.context()]) await c.close();
  });
});
