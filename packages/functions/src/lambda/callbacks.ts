import { handle } from "hono/aws-lambda";
import { createCallbackApp } from "../api/callbackApp";
import { deps } from "./config";

/** API Gateway → provider callbacks only (`POST /api/callbacks/{provider}`): a small bundle, a quick cold start. */
export const handler = handle(createCallbackApp(deps));
