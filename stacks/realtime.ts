import { RemovalPolicy } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from "aws-cdk-lib/aws-apigatewayv2";
import { WebSocketLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { type Config, Function as SstFunction, type Stack, type Table } from "sst/constructs";
import { tableAndSecrets } from "./access";

/**
 * Payments as they happen, in AWS (docs/contract.md §14): an API Gateway WebSocket API whose `$connect` takes a
 * ticket (issued by the API function) and records the connection in the table, and whose `$disconnect` forgets it.
 * The callbacks function posts each new payment to the stall's connections (lambda/realtimeGateway.ts), allowed by
 * `manageConnections` — `execute-api:ManageConnections` to POST to and DELETE this API's stage's connections, nothing else.
 *
 * Built from aws-cdk-lib's WebSocket API rather than SST's `WebSocketApi`: SST's grants every route function
 * ManageConnections on all the API's connections, and ours never post — only the callbacks function does.
 */
export function realtimeSocket(stack: Stack, table: Table, secrets: readonly Config.Secret[]) {
  const connect = new SstFunction(stack, "RealtimeConnect", {
    handler: "packages/functions/src/lambda/realtime.connect",
    ...tableAndSecrets("realtimeConnect", table, secrets),
  });
  const disconnect = new SstFunction(stack, "RealtimeDisconnect", {
    handler: "packages/functions/src/lambda/realtime.disconnect",
    ...tableAndSecrets("realtimeDisconnect", table, secrets),
  });
  const api = new WebSocketApi(stack, "RealtimeApi", {
    description: "market40: payments as they happen (a socket per vendor phone, opened with a ticket)",
    connectRouteOptions: { integration: new WebSocketLambdaIntegration("Connect", connect) },
    disconnectRouteOptions: { integration: new WebSocketLambdaIntegration("Disconnect", disconnect) },
  });
  const logs = new LogGroup(stack, "RealtimeAccessLog", {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stage = new WebSocketStage(stack, "RealtimeStage", {
    webSocketApi: api,
    stageName: stack.stage,
    autoDeploy: true,
    // A vendor phone opens a socket a few times a morning; a flood of connects is refused before it costs Lambda.
    throttle: { rateLimit: 200, burstLimit: 100 },
    accessLogSettings: {
      destination: new LogGroupLogDestination(logs),
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          route: "$context.routeKey",
          status: "$context.status",
          connectionId: "$context.connectionId",
        }),
      ),
    },
  });
  const manageConnections = new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ["execute-api:ManageConnections"],
    // POST a payment; DELETE a connection whose key was revoked or that one key's newer sockets replaced (§14).
    resources: ["POST", "DELETE"].map((method) =>
      stack.formatArn({
        service: "execute-api",
        resource: api.apiId,
        resourceName: `${stage.stageName}/${method}/@connections/*`,
      }),
    ),
  });
  return { url: stage.url, endpoint: stage.callbackUrl, manageConnections };
}
