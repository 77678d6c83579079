import { App } from 'aws-cdk-lib';
import type { ServiceSpec } from '../services';
import { ShopGraphStack } from './stack';

export const STACK_NAME = 'ShopGraph';

/** Context values the app reads (`cdk synth -c certificateArn=…` or `SynthOptions`). */
export interface SynthOptions {
  certificateArn?: string;
  imageTag?: string;
  account?: string;
  region?: string;
  /** Where to write the cloud assembly (cdk.out). */
  outdir?: string;
}

/** A placeholder certificate ARN for offline synthesis; pass the real one at deployment. */
export const PLACEHOLDER_CERTIFICATE_ARN =
  'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';

/** The CDK app with the ShopGraph stack (nothing is looked up: synthesis needs no account). */
export function buildApp(services: readonly ServiceSpec[], options: SynthOptions = {}) {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    analyticsReporting: false,
    // Construct stack traces in the metadata make synthesis several times slower.
    context: {
      'aws:cdk:disable-stack-trace': true,
      // CDK's built-in CloudFormation validation (resource schemas) fails synthesis on errors.
      '@aws-cdk/core:strictCfnValidateErrors': true,
    },
  });
  const context = (key: string) => app.node.tryGetContext(key) as string | undefined;
  const stack = new ShopGraphStack(app, STACK_NAME, {
    services,
    certificateArn:
      options.certificateArn ?? context('certificateArn') ?? PLACEHOLDER_CERTIFICATE_ARN,
    imageTag: options.imageTag ?? context('imageTag') ?? 'latest',
    ...(options.account && options.region
      ? { env: { account: options.account, region: options.region } }
      : {}),
  });
  return { app, stack };
}
