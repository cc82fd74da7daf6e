import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";

/**
 * What SST v2 binds to a function (stacks/access.ts), read from the environment `bind` sets: one variable
 * `SST_<Construct>_<prop>_<id>` per bound value, holding the value or `__FETCH_FROM_SSM__` (a secret, kept in SSM at
 * `<SST_SSM_PREFIX><Construct>/<id>/<prop>`, or at the app's `.fallback` path for every stage).
 *
 * This is what `sst/node/config`, `/table` and `/queue` do at import; it is done here instead because SST pins its
 * own `@aws-sdk/client-ssm` (3.699), which bundles a second, older copy of the SDK's credential chain (STS, SSO,
 * SSO-OIDC clients: about 700 KiB of every handler; `npm run bench -- lambda`), and because its failures are the
 * SDK's own and name neither the parameter nor the stage.
 */
export type Bindings = Record<string, Record<string, Record<string, string>>>;

const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";
const FETCH_FROM_SECRET = "__FETCH_FROM_SECRET__:";

interface Bound {
  construct: string;
  id: string;
  prop: string;
}

function parseName(name: string): Bound | undefined {
  const [sst, construct, prop, ...id] = name.split("_");
  if (sst !== "SST" || !construct || !prop || id.length === 0) return undefined;
  return { construct, id: id.join("_"), prop };
}

const ssmPath = (env: NodeJS.ProcessEnv, b: Bound) =>
  `${env.SST_SSM_PREFIX ?? ""}${b.construct}/${b.id}/${b.prop}`;
const fallbackPath = (env: NodeJS.ProcessEnv, b: Bound) =>
  `/sst/${env.SST_APP}/.fallback/${b.construct}/${b.id}/${b.prop}`;

/** Reads every bound value, fetching those kept in SSM (ten names per request, as SSM allows). */
export async function readBindings(
  env: NodeJS.ProcessEnv,
  ssm: Pick<SSMClient, "send"> = new SSMClient({ region: env.SST_REGION }),
): Promise<Bindings> {
  const out: Bindings = {};
  const put = (b: Bound, value: string) => {
    out[b.construct] ??= {};
    out[b.construct]![b.id] ??= {};
    out[b.construct]![b.id]![b.prop] = value;
  };
  const fromSsm: Bound[] = [];
  const fromSecret: [Bound, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    const b = parseName(name);
    if (!b || value === undefined) continue;
    if (value === FETCH_FROM_SSM) fromSsm.push(b);
    else if (value.startsWith(FETCH_FROM_SECRET)) fromSecret.push([b, value.slice(FETCH_FROM_SECRET.length)]);
    else put(b, value);
  }
  if (fromSsm.length > 0) {
    try {
      const byPath = new Map(fromSsm.map((b) => [ssmPath(env, b), b]));
      const first = await getParameters(ssm, [...byPath.keys()]);
      for (const [path, value] of first.found) put(byPath.get(path)!, value);
      // A secret not set for this stage may be set for every stage (`sst secrets set-fallback`).
      const fallbacks = new Map(
        first.missing
          .map((path) => byPath.get(path)!)
          .filter((b) => b.construct === "Secret")
          .map((b) => [fallbackPath(env, b), b]),
      );
      const second = await getParameters(ssm, [...fallbacks.keys()]);
      for (const [path, value] of second.found) put(fallbacks.get(path)!, value);
      const unset = second.missing.map((path) => fallbacks.get(path)!.id);
      if (unset.length > 0)
        throw new Error(`not set in stage "${env.SST_STAGE}": ${unset.sort().join(", ")}`);
    } catch (cause) {
      throw new Error(bindingsError(cause, env), { cause });
    }
  }
  for (const [b, secret] of fromSecret) {
    const value = out.Secret?.[secret]?.value;
    if (value) put(b, value);
  }
  return out;
}

async function getParameters(
  ssm: Pick<SSMClient, "send">,
  names: string[],
): Promise<{ found: [string, string][]; missing: string[] }> {
  const found: [string, string][] = [];
  const missing: string[] = [];
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += 10) chunks.push(names.slice(i, i + 10));
  await Promise.all(
    chunks.map(async (Names) => {
      const res = await ssm.send(new GetParametersCommand({ Names, WithDecryption: true }));
      for (const p of res.Parameters ?? [])
        if (p.Name && p.Value !== undefined) found.push([p.Name, p.Value]);
      missing.push(...(res.InvalidParameters ?? []));
    }),
  );
  return { found, missing };
}

/** Which SSM parameters a function could not read, for which stage, and what to run. */
export function bindingsError(cause: unknown, env: NodeJS.ProcessEnv): string {
  const stage = env.SST_STAGE || "(SST_STAGE is not set)";
  const parameters = Object.entries(env)
    .filter(([name, value]) => value === FETCH_FROM_SSM && parseName(name)?.construct === "Secret")
    .map(([name]) => ssmPath(env, parseName(name)!))
    .sort();
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return [
    `Cannot read this function's secrets for stage "${stage}" from SSM`,
    ` (${parameters.length ? parameters.join(", ") : "no secret is bound"}; region ${env.SST_REGION ?? env.AWS_REGION ?? "unset"}):`,
    ` ${reason}. List what is set with \`npx sst secrets list --stage ${stage}\`, set a missing one with`,
    ` \`npx sst secrets set <NAME> <value> --stage ${stage}\`, and check that the function's role may`,
    " ssm:GetParameters on those names and that it reaches SSM.",
  ].join("");
}
