import type { z } from "zod";
import * as Audit from "../audit/audit";
import { Access } from "../auth/access";
import type { Principal } from "../auth/keys";
import * as SignInSessions from "../auth/signInSessions";
import { type Clock, newId } from "../clock";
import { conflict, notFound, validationError } from "../errors";
import * as Market from "../market/market";
import type { Store } from "../store/client";
import { MAX_TRANSACTION_ITEMS, tryCommit } from "../store/transact";
import { type Person, PersonInputSchema } from "./person";
import { PersonItem } from "./personItem";

/**
 * People (docs/contract.md §19): the officials who sign in as themselves — admins, a market's managers, liaisons —
 * kept apart from API keys, which stay for machines (devices, scripts, providers' tooling). An admin creates
 * anyone; a market's manager creates its own market's co-managers. Vendors stay with their stall's invitation
 * cards (§13). A suspended person signs in no more; suspension is audited and cannot be undone by the person.
 */
export {
  listed,
  PERSON_ROLES,
  PERSON_STATUSES,
  type Person,
  PersonInputSchema,
  type PersonRole,
  PersonSchema,
} from "./person";

interface Deps {
  store: Store;
  clock: Clock;
}

const AUDITED: (keyof Person)[] = ["name", "phone", "role", "marketId", "province", "status"];

/**
 * Creates a person with the scope their role needs: a manager to a market that exists, a liaison optionally to a
 * province, an admin to nothing. Who may create whom is checked here ({@link Access.createPerson}), so no route
 * can forget it. Audited in the same transaction.
 * @example await People.create(deps, principal, { name: "Hoàng Văn Sơn", role: "manager", marketId: "dong-van" });
 */
export async function create(
  deps: Deps,
  principal: Principal,
  input: z.input<typeof PersonInputSchema>,
): Promise<Person> {
  const request = PersonInputSchema.parse(input);
  if (request.role === "manager") {
    if (!request.marketId)
      throw validationError("A manager needs a marketId", [{ path: "marketId", message: "Required" }]);
    if (!(await Market.find(deps.store, request.marketId)))
      throw validationError("No such market", [{ path: "marketId", message: "Unknown market" }]);
  } else if (request.marketId !== undefined)
    throw validationError("Only a manager belongs to a market", [
      { path: "marketId", message: "Only for role manager" },
    ]);
  if (request.province !== undefined && request.role !== "liaison")
    throw validationError("Only a liaison is scoped to a province", [
      { path: "province", message: "Only for role liaison" },
    ]);
  Access.createPerson(principal, request);
  const person: Person = {
    id: newId(deps.clock),
    name: request.name,
    ...(request.phone ? { phone: request.phone } : {}),
    role: request.role,
    ...(request.marketId ? { marketId: request.marketId } : {}),
    ...(request.province ? { province: request.province } : {}),
    status: "active",
    createdAt: deps.clock.now().toISOString(),
    createdBy: principal.keyId,
  };
  const failed = await tryCommit(deps.store, [
    PersonItem.create(deps.store, person),
    Audit.entry(deps.store, deps.clock, {
      actor: Audit.actorOf(principal),
      action: "person.created",
      entity: { kind: "person", id: person.id },
      marketId: person.marketId ?? null,
      ...Audit.diff(undefined, person, AUDITED),
    }),
  ]);
  if (failed) throw conflict("Another change to the same data was in progress; retry");
  return person;
}

/** A person by id, or 404. */
export async function get(store: Store, personId: string): Promise<Person> {
  const found = await PersonItem.get(store, personId);
  if (!found) throw notFound("Person");
  return found;
}

/** A person by id, or undefined. */
export const find = (store: Store, personId: string) => PersonItem.get(store, personId);

/** The people a caller may see: an admin everyone (or one market's), a manager its own market's managers. */
export async function list(store: Store, principal: Principal, marketId?: string): Promise<Person[]> {
  Access.listPeople(principal, marketId);
  const market = principal.role === "manager" ? principal.marketId : marketId;
  return market ? PersonItem.ofMarket(store, market) : PersonItem.all(store);
}

/**
 * Suspends a person: they sign in no more, and (docs/contract.md §19) every session of theirs ends at once.
 * Suspending one already suspended changes nothing. Audited.
 */
export async function suspend(deps: Deps, principal: Principal, personId: string): Promise<Person> {
  const person = await get(deps.store, personId);
  Access.changePerson(principal, person);
  if (person.status === "suspended") return person;
  const at = deps.clock.now().toISOString();
  const after: Person = { ...person, status: "suspended", suspendedAt: at, suspendedBy: principal.keyId };
  // Their sessions end in the same transaction (all but a flood of them: the rest right after). A session started
  // meanwhile, or one the index has not shown yet, is refused anyway: every request re-reads the person.
  const endings = await SignInSessions.endings(deps.store, person.id);
  const together = endings.slice(0, MAX_TRANSACTION_ITEMS - 2);
  const failed = await tryCommit(deps.store, [
    ...together,
    PersonItem.suspend(deps.store, person.id, at, principal.keyId),
    Audit.entry(deps.store, deps.clock, {
      actor: Audit.actorOf(principal),
      action: "person.suspended",
      entity: { kind: "person", id: person.id },
      marketId: person.marketId ?? null,
      before: { status: "active" },
      after: { status: "suspended" },
    }),
  ]);
  if (failed) throw conflict("Another change to the same data was in progress; retry");
  await SignInSessions.commitEndings(deps.store, endings.slice(together.length));
  return after;
}
