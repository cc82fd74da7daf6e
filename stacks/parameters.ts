/**
 * Deploy-time parameters of a stage: the one place the stacks read the environment `sst deploy` runs in.
 *
 * - `MARKET40_ALARM_SUBSCRIPTION`: who hears the alarms (MonitoringStack) — an email address, an `https://` URL,
 *   or the ARN of an SQS queue or a Lambda function. Required on stage `prod`; elsewhere the alarms still exist and
 *   notify a topic nobody subscribed to until it is set.
 * - `MARKET40_WEB_DOMAIN` and `MARKET40_WEB_CERTIFICATE_ARN` (an ACM certificate in us-east-1 for that name): the
 *   web app's own domain. Only with a certificate of its own can CloudFront refuse TLS before 1.2 (policy
 *   `TLSv1.2_2021`); on the default `*.cloudfront.net` certificate CloudFront accepts TLS 1.0.
 */
export interface StageParameters {
  alarmSubscription?: string;
  webDomain?: { domainName: string; certificateArn: string };
}

export function stageParameters(stage: string, env: NodeJS.ProcessEnv = process.env): StageParameters {
  const alarmSubscription = env.MARKET40_ALARM_SUBSCRIPTION?.trim() || undefined;
  if (!alarmSubscription && stage === "prod")
    throw new Error(
      "MARKET40_ALARM_SUBSCRIPTION is not set: on stage prod the alarms must reach someone (an email address, an https:// URL, or an SQS queue or Lambda function ARN)",
    );
  const domainName = env.MARKET40_WEB_DOMAIN?.trim() || undefined;
  const certificateArn = env.MARKET40_WEB_CERTIFICATE_ARN?.trim() || undefined;
  if (Boolean(domainName) !== Boolean(certificateArn))
    throw new Error("set MARKET40_WEB_DOMAIN and MARKET40_WEB_CERTIFICATE_ARN together, or neither");
  return {
    alarmSubscription,
    webDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
  };
}

/**
 * The SSM parameter that holds the stage's web address when it has no domain of its own: WebStack writes its
 * CloudFront URL there and the API function reads it once per container (invitation and card URLs, §13). A
 * parameter, because the API stack cannot reference the web stack that depends on it.
 */
export const webUrlParameterName = (app: string, stage: string) => `/${app}/${stage}/web-url`;
