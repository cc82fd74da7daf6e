import { forbidden } from "../errors";
import type { Principal } from "./keys";

/**
 * Who may do what (docs/contract.md §2), as one function per kind of access. Routes call these after loading
 * the thing they guard, so a key scoped to one market can never reach another's data.
 *
 * | role    | may                                                                            |
 * |---------|--------------------------------------------------------------------------------|
 * | admin   | everything                                                                     |
 * | manager | its market: read/write stalls, import, QR/posters, incidents, heartbeats, uptake, evaluations |
 * | vendor  | its stall: read, QR/poster, its transactions                                   |
 * | liaison | read markets and all evaluations                                               |
 * | device  | post heartbeats for its market                                                 |
 */
export const Access = {
  admin(p: Principal): void {
    if (p.role !== "admin") throw forbidden("Only an admin key may do this");
  },

  /** Market details and sessions. */
  readMarket(p: Principal, marketId: string): void {
    if (p.role === "admin" || p.role === "liaison") return;
    if (p.role === "manager" && p.marketId === marketId) return;
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

  heartbeat(p: Principal, marketId: string): void {
    if (p.role === "device" && p.marketId === marketId) return;
    Access.manageMarket(p, marketId);
  },

  /** The audit trail: admin and liaison read every market's (`null`: all markets), a manager its own market's. */
  readAudit(p: Principal, marketId: string | null): void {
    if (p.role === "admin" || p.role === "liaison") return;
    if (p.role === "manager" && marketId !== null && p.marketId === marketId) return;
    throw forbidden("This key may not read this audit trail");
  },

  /** A stall's audit entries: also its vendor, who must see who changed where its payments go. */
  readStallAudit(p: Principal, stall: { id: string; marketId: string }): void {
    if (p.role === "vendor" && p.stallId === stall.id) return;
    Access.readAudit(p, stall.marketId);
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

  /** Evaluations: the liaison reads all, a manager its own market's. */
  readEvaluations(p: Principal, marketId?: string): void {
    if (p.role === "admin" || p.role === "liaison") return;
    if (p.role === "manager" && marketId !== undefined && p.marketId === marketId) return;
    throw forbidden("This key may not read these evaluations");
  },
};
