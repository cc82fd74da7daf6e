import { forbidden } from "../errors";
import type { Principal } from "./keys";

/**
 * Who may do what (docs/contract.md §2), as one function per kind of access. Routes call these after loading
 * the thing they guard, so a key scoped to one market can never reach another's data.
 *
 * | role    | may                                                                            |
 * |---------|--------------------------------------------------------------------------------|
 * | admin   | everything                                                                     |
 * | manager | its market: read/write stalls, import, QR/posters, incidents, uptake, evaluations            |
 * | vendor  | its stall: read, QR/poster, its transactions                                   |
 * | liaison | read markets and all evaluations                                               |
 * | device  | post heartbeats for its market                                                 |
 */
/** Province names compare without regard to case, spacing or diacritics' composition. */
export function sameProvince(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("vi");
  return norm(a) === norm(b);
}

const inProvince = (p: Principal, province: string) => !p.province || sameProvince(p.province, province);

export const Access = {
  admin(p: Principal): void {
    if (p.role !== "admin") throw forbidden("Only an admin key may do this");
  },

  /** The market list: admin and liaison (a province's liaison sees its province's), a manager its own market. */
  listMarkets(p: Principal): void {
    if (p.role === "admin" || p.role === "liaison" || p.role === "manager") return;
    throw forbidden("This key may not list markets");
  },

  /** Market details and sessions. A province's liaison reads only that province's markets. */
  readMarket(p: Principal, market: { id: string; province: string }): void {
    if (p.role === "admin") return;
    if (p.role === "liaison" && inProvince(p, market.province)) return;
    if (p.role === "manager" && p.marketId === market.id) return;
    throw forbidden("This key may not read this market");
  },

  /** Stalls, imports, posters, uptake, incidents, transactions of a market. */
  manageMarket(p: Principal, marketId: string): void {
    if (p.role === "admin") return;
    if (p.role === "manager" && p.marketId === marketId) return;
    throw forbidden("This key may not manage this market");
  },

  /** One stall's details, QR, poster and transactions. */
  readStall(p: Principal, stall: { id: string; marketId: string }): void {
    if (p.role === "vendor" && p.stallId === stall.id) return;
    Access.manageMarket(p, stall.marketId);
  },

  /**
   * Heartbeats are the market's device's evidence (docs/contract.md §8): only its `device` key posts them — not the
   * evaluated market's manager, and not an admin, whose word is an incident report instead.
   */
  heartbeat(p: Principal, marketId: string): void {
    if (p.role === "device" && p.marketId === marketId) return;
    throw forbidden("Only the market's device key may post heartbeats");
  },

  /** The audit trail: admin and liaison read every market's (`null`: all markets), a manager its own market's. */
  readAudit(p: Principal, market: { id: string; province: string } | null): void {
    if (p.role === "admin") return;
    if (p.role === "liaison" && (market === null || inProvince(p, market.province))) return;
    if (p.role === "manager" && market !== null && p.marketId === market.id) return;
    throw forbidden("This key may not read this audit trail");
  },

  /** A stall's audit entries: also its vendor, who must see who changed where its payments go. */
  readStallAudit(p: Principal, stall: { id: string }, market: { id: string; province: string }): void {
    if (p.role === "vendor" && p.stallId === stall.id) return;
    Access.readAudit(p, market);
  },

  /**
   * Changing an incident (evaluation input): an admin any; a manager only one its own market's keys reported —
   * never one an admin reported, so the evaluated party cannot shorten the outage someone else recorded.
   */
  changeIncident(p: Principal, incident: { marketId: string; reporterRole?: string }): void {
    if (p.role === "admin") return;
    Access.manageMarket(p, incident.marketId);
    if (incident.reporterRole !== "manager" && incident.reporterRole !== "device")
      throw forbidden("Only an admin may change an incident an admin reported");
  },

  /** Evaluations: the liaison reads all (a province's liaison its province's), a manager its own market's. */
  readEvaluations(p: Principal, market?: { id: string; province: string }): void {
    if (p.role === "admin") return;
    if (p.role === "liaison" && (market === undefined || inProvince(p, market.province))) return;
    if (p.role === "manager" && market !== undefined && p.marketId === market.id) return;
    throw forbidden("This key may not read these evaluations");
  },

  /**
   * Creating a person (docs/contract.md §19): an admin anyone; a market's manager only a co-manager of its own
   * market. Liaisons, devices and vendors create no one.
   */
  createPerson(p: Principal, person: { role: string; marketId?: string }): void {
    if (p.role === "admin") return;
    if (p.role === "manager" && person.role === "manager" && p.marketId === person.marketId) return;
    throw forbidden("This key may not create this person");
  },

  /** The people list: an admin everyone's (or one market's), a manager its own market's. */
  listPeople(p: Principal, marketId?: string): void {
    if (p.role === "admin") return;
    if (p.role === "manager" && (marketId === undefined || marketId === p.marketId)) return;
    throw forbidden("This key may not list these people");
  },

  /** Suspending a person, inviting them again: an admin anyone, a manager its own market's managers. */
  changePerson(p: Principal, person: { role: string; marketId?: string }): void {
    if (p.role === "admin") return;
    if (p.role === "manager" && person.role === "manager" && p.marketId === person.marketId) return;
    throw forbidden("This key may not change this person");
  },

  /**
   * What a person does only for themself — their sessions, a second device's passkey: a person signed in with a
   * session; a machine's key has no person to act for. The person's id.
   */
  signedInPerson(p: Principal): string {
    if (!p.personId) throw forbidden("Only a person signed in with a passkey may do this");
    return p.personId;
  },

  /** The province a key's reads are limited to, if any (a province's liaison; docs/contract.md §15). */
  province(p: Principal): string | undefined {
    return p.role === "liaison" ? p.province : undefined;
  },
};
