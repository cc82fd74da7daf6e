import { basename } from "node:path";
import {
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
} from "@market40/core/config";
import { FONT_FILES } from "@market40/core/poster/poster";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Api, Config, type StackContext, use } from "sst/constructs";
import { tableAndSecrets } from "./access";
import { stageParameters, webUrlParameterName } from "./parameters";
import { realtimeSocket } from "./realtime";
import { StorageStack } from "./StorageStack";

/**
 * Provider secrets, provider API keys (the pull sync's), the admin token and the payer-reference key, set per stage
 * with `npx sst secrets set NAME value`. The names are core's (`PROVIDER_SECRET_NAMES`, `PROVIDER_API_SECRET_NAMES`,
 * `PLATFORM_SECRET_NAMES`), the same the Lambda config reader reads.
 */
export const SECRET_NAMES = [
  ...Object.values(PROVIDER_SECRET_NAMES),
  ...Object.values(PROVIDER_API_SECRET_NAMES),
  ...Object.values(PLATFORM_SECRET_NAMES),
] as const;

/** Requests per second the whole API accepts, and the burst above it (sized in docs/capacity.md). */
export const API_RATE_PER_SECOND = 2000;
export const API_BURST = 1000;

/**
 * One HTTP API with two functions: provider callbacks (`POST /api/callbacks/{provider}`) go to their own Lambda,
 * every other `/api/*` request to the Hono app's. Each function gets only its own table actions and secrets
 * (`stacks/access.ts`), not SST's `bind` of the table (`dynamodb:*`).
 */
export function ApiStack({ app, stack }: StackContext) {
  const { table } = use(StorageStack);
  const { webDomain } = stageParameters(stack.stage);
  const secrets = SECRET_NAMES.map((name) => new Config.Secret(stack, name));
  const realtime = realtimeSocket(stack, table, secrets);
  const apiAccess = tableAndSecrets("api", table, secrets);
  const callbacksAccess = tableAndSecrets("callbacks", table, secrets);
  const api = new Api(stack, "Api", {
    defaults: {
      // A ceiling for the whole API (sized from the design point in docs/capacity.md): a flood is refused
      // with 429 at the edge before it costs Lambda time or DynamoDB writes. Per-address limits: WAF (WebStack).
      throttle: { rate: API_RATE_PER_SECOND, burst: API_BURST },
    },
    // One JSON line per request (SST's default format: request id, source IP, route, status, latency), kept as
    // long as the functions' logs.
    accessLog: { retention: "three_months" },
    cors: {
      allowMethods: ["ANY"],
      allowOrigins: ["*"],
      allowHeaders: ["authorization", "content-type", "x-signature"],
    },
    routes: {
      "ANY /api/{proxy+}": {
        function: {
          handler: "packages/functions/src/lambda/api.handler",
          ...apiAccess,
          // Realtime tickets point at the WebSocket API.
          environment: {
            ...apiAccess.environment,
            REALTIME_URL: realtime.url,
            // Invitation URLs (§13) point at the web app: its own domain when the stage has one, else the CloudFront
            // address WebStack writes to SSM. Never a request header.
            ...(webDomain
              ? { WEB_URL: `https://${webDomain.domainName}` }
              : { WEB_URL_PARAMETER: webUrlParameterName(app.name, stack.stage) }),
          },
          permissions: [
            ...(apiAccess.permissions as PolicyStatement[]),
            ...(webDomain
              ? []
              : [
                  new PolicyStatement({
                    effect: Effect.ALLOW,
                    actions: ["ssm:GetParameter"],
                    resources: [
                      stack.formatArn({
                        service: "ssm",
                        resource: "parameter",
                        resourceName: webUrlParameterName(app.name, stack.stage).slice(1),
                      }),
                    ],
                  }),
                ]),
          ],
          // 1,024 MB: Lambda's CPU grows with memory, and this function renders PDFs on the request — a poster part
          // (200 stalls) and a province's monthly report (200 markets) — which at 512 MB (~0.29 vCPU) would take
          // ~9 s and up to ~20 s (docs/benchmarks.md: posters, reports); API traffic is small, so the cost is not.
          memorySize: 1024,
          // Poster PDFs embed Be Vietnam Pro; the TTFs travel beside the bundle.
          copyFiles: Object.values(FONT_FILES).map((spec) => ({
            from: `node_modules/${spec}`,
            to: `fonts/${basename(spec)}`,
          })),
        },
      },
      // The money path gets its own function: a small bundle (no PDF or font code to load on a cold start) and its
      // memory stated here. No concurrency is reserved for it: like the API function it draws on the account's
      // unreserved pool, which covers the capacity plan's design point; docs/capacity.md says when to reserve some.
      "POST /api/callbacks/{provider}": {
        function: {
          handler: "packages/functions/src/lambda/callbacks.handler",
          ...callbacksAccess,
          // Each new payment is posted to its stall's WebSocket connections (stacks/realtime.ts).
          environment: { ...callbacksAccess.environment, REALTIME_ENDPOINT: realtime.endpoint },
          permissions: [...(callbacksAccess.permissions as PolicyStatement[]), realtime.manageConnections],
          memorySize: 512,
        },
      },
    },
  });
  stack.addOutputs({ ApiUrl: api.url, RealtimeUrl: realtime.url });
  return { api, secrets, realtimeUrl: realtime.url };
}
