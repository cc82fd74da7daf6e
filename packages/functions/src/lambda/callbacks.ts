import { handle } from "hono/aws-lambda";
import { createCallbackApp } from "../api/callbackApp";
import { deps } from "./config";
import { apiGatewayAnnouncer } from "./realtimeGateway";

const endpoint = deps.config.realtimeEndpoint;

/**
 * API Gateway → provider callbacks only (`POST /api/callbacks/{provider}`): a small bundle, a quick cold start.
 * Each new payment is announced to its stall's WebSocket connections before the 200 (a Lambda is frozen after it).
 */
export const handler = handle(
  createCallbackApp(
    endpoint ? { ...deps, announcer: apiGatewayAnnouncer(deps.store, endpoint, deps.logger) } : deps,
  ),
);
