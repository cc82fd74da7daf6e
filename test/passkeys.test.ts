import * as PersonInvitations from "@market40/core/invitation/personInvitations";
import * as Passkeys from "@market40/core/passkey/passkeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";
import { SoftAuthenticator } from "./support/softAuthenticator";

/**
 * Passkeys (docs/contract.md §19) on DynamoDB Local, verified by @simplewebauthn/server against a software
 * authenticator written from the WebAuthn spec (test/support/softAuthenticator.ts).
 */
const RP = Passkeys.relyingParty("http://localhost:3000");
const RIGHT = { rpId: "localhost", origin: "http://localhost:3000" };
let h: Harness;
let deps: { store: Harness["store"]; clock: Harness["clock"] };

beforeAll(async () => {
  h = await harness();
  deps = { store: h.store, clock: h.clock };
  await h.call("POST", "/api/markets", { body: DONG_VAN });
});
afterAll(() => h.close());

async function newPerson(name: string) {
  const person = (
    await h.call("POST", "/api/people", { body: { name, role: "manager", marketId: "dong-van" } })
  ).body;
  const { code } = (await h.call("POST", `/api/people/${person.id}/invitations`, { body: {} })).body;
  return { person, code: code as string };
}

async function joined(name: string) {
  const { person, code } = await newPerson(name);
  const device = new SoftAuthenticator();
  const options = await Passkeys.joinOptions(deps, RP, code);
  await Passkeys.join(deps, RP, code, device.create(options.challenge, RIGHT));
  return { person, device };
}

const rejectedWith = async (p: Promise<unknown>, code = "unauthorized") =>
  expect(
    await p.then(
      () => "accepted",
      (e: { code?: string }) => e.code,
    ),
  ).toBe(code);

describe("passkeys (§19)", () => {
  it("the RP id and origin come from the configured public address", () => {
    expect(Passkeys.relyingParty("https://cho40.example.vn/app")).toMatchObject({
      id: "cho40.example.vn",
      origins: ["https://cho40.example.vn"],
    });
  });

  it("accepting an invitation registers a discoverable passkey, uses the invitation up, then signs in", async () => {
    const { person, code } = await newPerson("Hoàng Văn Sơn");
    const options = await Passkeys.joinOptions(deps, RP, code);
    expect(options.rp.id).toBe("localhost");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "preferred",
    });
    const device = new SoftAuthenticator();
    const done = await Passkeys.join(deps, RP, code, device.create(options.challenge, RIGHT));
    expect(done.person.id).toBe(person.id);
    await rejectedWith(PersonInvitations.open(deps, code), "gone");
    const signIn = await Passkeys.signInOptions(deps, RP);
    expect(signIn.allowCredentials ?? []).toEqual([]);
    const result = await Passkeys.signIn(deps, RP, device.get(signIn.challenge, RIGHT));
    expect(result.person.id).toBe(person.id);
  });

  it("a challenge is used once: the same response replayed is refused", async () => {
    const { device } = await joined("Vàng Thị Dung");
    const { challenge } = await Passkeys.signInOptions(deps, RP);
    const response = device.get(challenge, RIGHT);
    await Passkeys.signIn(deps, RP, response);
    await rejectedWith(Passkeys.signIn(deps, RP, response));
    await rejectedWith(Passkeys.signIn(deps, RP, device.get("bm90LWlzc3VlZA", RIGHT)));
  });

  it("a challenge expires after five minutes", async () => {
    const { device } = await joined("Sùng Mí Chá");
    const { challenge } = await Passkeys.signInOptions(deps, RP);
    h.clock.advance(Passkeys.CHALLENGE_SECONDS * 1000 + 1000);
    await rejectedWith(Passkeys.signIn(deps, RP, device.get(challenge, RIGHT)));
  });

  it("refuses a response from another origin or for another RP id, at registration and at sign-in", async () => {
    const { code } = await newPerson("Lù Văn Páo");
    const device = new SoftAuthenticator();
    for (const wrong of [
      { rpId: "localhost", origin: "https://evil.example" },
      { rpId: "evil.example", origin: "http://localhost:3000" },
    ]) {
      const { challenge } = await Passkeys.joinOptions(deps, RP, code);
      await rejectedWith(Passkeys.join(deps, RP, code, device.create(challenge, wrong)));
    }
    const { challenge } = await Passkeys.joinOptions(deps, RP, code);
    await Passkeys.join(deps, RP, code, device.create(challenge, RIGHT));
    for (const wrong of [
      { rpId: "localhost", origin: "https://evil.example" },
      { rpId: "evil.example", origin: "http://localhost:3000" },
    ]) {
      const signIn = await Passkeys.signInOptions(deps, RP);
      await rejectedWith(Passkeys.signIn(deps, RP, device.get(signIn.challenge, wrong)));
    }
  });

  it("refuses a signature counter that does not grow (a cloned authenticator)", async () => {
    const { device } = await joined("Giàng Seo Phử");
    const first = await Passkeys.signInOptions(deps, RP);
    await Passkeys.signIn(deps, RP, device.get(first.challenge, { ...RIGHT, counter: 5 }));
    const again = await Passkeys.signInOptions(deps, RP);
    await rejectedWith(Passkeys.signIn(deps, RP, device.get(again.challenge, { ...RIGHT, counter: 5 })));
    const later = await Passkeys.signInOptions(deps, RP);
    await Passkeys.signIn(deps, RP, device.get(later.challenge, { ...RIGHT, counter: 6 }));
  });

  it("a suspended person's passkey signs in no more; a cancelled or expired invitation registers none", async () => {
    const { person, device } = await joined("Mua Thị Sú");
    await h.call("POST", `/api/people/${person.id}/suspend`);
    const { challenge } = await Passkeys.signInOptions(deps, RP);
    await rejectedWith(Passkeys.signIn(deps, RP, device.get(challenge, RIGHT)));

    const cancelled = await newPerson("Thào A Lử");
    const options = await Passkeys.joinOptions(deps, RP, cancelled.code);
    const [outstanding] = (await h.call("GET", `/api/people/${cancelled.person.id}/invitations`)).body.items;
    await h.call("DELETE", `/api/people/${cancelled.person.id}/invitations/${outstanding.id}`);
    await rejectedWith(
      Passkeys.join(deps, RP, cancelled.code, new SoftAuthenticator().create(options.challenge, RIGHT)),
      "gone",
    );

    const expired = await newPerson("Lò Văn Piếng");
    const opts = await Passkeys.joinOptions(deps, RP, expired.code);
    h.clock.advance(PersonInvitations.VALID_HOURS * 3_600_000);
    await rejectedWith(
      Passkeys.join(deps, RP, expired.code, new SoftAuthenticator().create(opts.challenge, RIGHT)),
      "gone",
    );
  });

  it("a registration challenge is bound to its invitation", async () => {
    const a = await newPerson("Người A");
    const b = await newPerson("Người B");
    const { challenge } = await Passkeys.joinOptions(deps, RP, a.code);
    await rejectedWith(Passkeys.join(deps, RP, b.code, new SoftAuthenticator().create(challenge, RIGHT)));
  });
});
