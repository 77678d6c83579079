import { join } from 'node:path';
import { REPO_ROOT } from '../kubernetes/files';
import { loadServices } from '../services';
import { buildApp, STACK_NAME } from './app';

/*
 * pnpm deploy:aws:synth [--cert <acm arn>] [--tag <image tag>]
 * Synthesizes the CloudFormation template offline into deploy/aws/cdk.out (no AWS account,
 * no `cdk` CLI); `cdk deploy --app deploy/aws/cdk.out` deploys that assembly.
 */
function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

const args = process.argv.slice(2);
const certificateArn = option(args, '--cert');
const imageTag = option(args, '--tag');
const outdir = join(REPO_ROOT, 'deploy/aws/cdk.out');
const { app } = buildApp(await loadServices(), {
  outdir,
  ...(certificateArn ? { certificateArn } : {}),
  ...(imageTag ? { imageTag } : {}),
});
const assembly = app.synth();
const stack = assembly.getStackByName(STACK_NAME);
const resources = Object.keys((stack.template as { Resources: object }).Resources).length;
console.log(`synthesized ${STACK_NAME}: ${resources} resources -> ${stack.templateFullPath}`);
