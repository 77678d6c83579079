import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { bindingsOf, callsOf, infraOf, type Binding, type Infra } from '../bindings';
import { DRAIN_SECONDS, PRE_STOP_SECONDS, RUN_AS_USER } from '../kubernetes/objects';
import type { ServiceSpec } from '../services';
import { DATA_PORTS, DATABASE_NAME, DATABASE_USER, DataStores } from './data-stores';

/** The Cloud Map namespace the services find each other in (`<name>.shopgraph.local`). */
export const SERVICE_NAMESPACE = 'shopgraph.local';

/** Secrets Manager secrets the operator creates before the first deployment (JWK JSON). */
export const OPERATOR_SECRETS = {
  INTERNAL_JWK: 'shopgraph/internal-jwk',
  AUTH_JWK: 'shopgraph/auth-jwk',
} as const;

/** The OTLP endpoint of the collector sidecar every task runs (AWS Distro for OpenTelemetry). */
export const OTLP_ENDPOINT = 'http://localhost:4318';
const COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3';

export interface ShopGraphStackProps extends StackProps {
  services: readonly ServiceSpec[];
  /** ACM certificate of the public HTTPS listener (context `certificateArn`). */
  certificateArn: string;
  /** Tag of the service images in ECR (`shopgraph/<name>:<tag>`; context `imageTag`). */
  imageTag: string;
}

/** Tasks per service: [min, max] (autoscaling on CPU between them). */
const TASKS = { min: 2, max: 10 };

/**
 * ShopGraph on AWS: a VPC, the managed data stores, and one ECS Fargate service per process
 * (the gateway public behind an HTTPS ALB, every subgraph private, found through Cloud Map),
 * derived from the same registry and env bindings as the Kubernetes manifests.
 */
export class ShopGraphStack extends Stack {
  /** The security group of each service's tasks, by service name. */
  readonly serviceGroups = new Map<string, ec2.SecurityGroup>();

  constructor(scope: Construct, id: string, props: ShopGraphStackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'services', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const data = new DataStores(this, 'Data', vpc);
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      defaultCloudMapNamespace: { name: SERVICE_NAMESPACE, useForServiceConnect: false },
    });
    const cartTokenSecret = new secretsmanager.Secret(this, 'CartTokenSecret', {
      description: 'ShopGraph CART_TOKEN_SECRET (guest cart tokens; cart and notification)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const keySecrets: Record<string, secretsmanager.ISecret> = {
      CART_TOKEN_SECRET: cartTokenSecret,
      ...Object.fromEntries(
        Object.entries(OPERATOR_SECRETS).map(([key, name]) => [
          key,
          secretsmanager.Secret.fromSecretNameV2(this, `${key}Secret`, name),
        ]),
      ),
    };
    const databaseSecret = data.database.secret;
    if (!databaseSecret) throw new Error('the database has no generated secret');

    for (const service of props.services) {
      this.serviceGroups.set(
        service.name,
        new ec2.SecurityGroup(this, `${service.name}SecurityGroup`, {
          vpc,
          description: `ShopGraph ${service.name} tasks`,
          // Out: images, Secrets Manager, logs, the data stores and other services.
          allowAllOutbound: true,
        }),
      );
    }
    const groupOf = (name: string) => {
      const group = this.serviceGroups.get(name);
      if (!group) throw new Error(`no service ${name}`);
      return group;
    };
    const portOf = (name: string) => {
      const target = props.services.find((service) => service.name === name);
      if (!target) throw new Error(`a variable points at ${name}, which is not a service`);
      return target.port;
    };

    const infraGroups: Record<Infra, ec2.SecurityGroup> = {
      postgres: data.databaseSecurityGroup,
      redis: data.redisSecurityGroup,
      kafka: data.kafkaSecurityGroup,
      opensearch: data.searchSecurityGroup,
    };
    for (const service of props.services) {
      // Service-to-service paths: the URLs each service is given (gateway → subgraphs,
      // subgraph → subgraph it calls, subgraphs → gateway's JWKS).
      for (const target of callsOf(service)) {
        groupOf(target).addIngressRule(
          groupOf(service.name),
          ec2.Port.tcp(portOf(target)),
          `${service.name} calls ${target}`,
        );
      }
      for (const infra of infraOf(service)) {
        infraGroups[infra].addIngressRule(
          groupOf(service.name),
          ec2.Port.tcp(DATA_PORTS[infra]),
          `${service.name} uses ${infra}`,
        );
      }
    }

    /** The value or ECS secret of one binding. */
    const resolve = (
      service: ServiceSpec,
      key: string,
      binding: Binding,
    ):
      | { value: string }
      | { secret: ecs.Secret }
      | { values: Record<string, string>; secrets: Record<string, ecs.Secret> } => {
      switch (binding.from) {
        case 'config':
          return { value: binding.value };
        case 'service':
          return {
            value: `http://${binding.target}.${SERVICE_NAMESPACE}:${portOf(binding.target)}${binding.path}`,
          };
        case 'shared':
          return {
            value:
              {
                NODE_ENV: 'production',
                SEED: 'false',
                KAFKA_BROKERS: data.kafkaBrokers,
                OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
              }[binding.key] ?? fail(`${service.name}: no shared value ${binding.key}`),
          };
        case 'secret':
          switch (binding.key) {
            case 'DATABASE_URL':
              // The password is not in the URL: node-postgres reads PGPASSWORD.
              return {
                values: {
                  [key]: `postgres://${DATABASE_USER}@${data.database.dbInstanceEndpointAddress}:${data.database.dbInstanceEndpointPort}/${DATABASE_NAME}?sslmode=no-verify`,
                },
                secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(databaseSecret, 'password') },
              };
            case 'REDIS_URL':
              return { value: `rediss://${data.redisEndpoint}` };
            case 'OPENSEARCH_URL':
              return { value: `https://${data.searchEndpoint}` };
            default: {
              const secret = keySecrets[binding.key];
              if (!secret) fail(`${service.name}: no secret for ${binding.key}`);
              return { secret: ecs.Secret.fromSecretsManager(secret) };
            }
          }
      }
    };

    let gatewayService: ecs.FargateService | undefined;
    for (const service of props.services) {
      const environment: Record<string, string> = {};
      const secrets: Record<string, ecs.Secret> = {};
      for (const [key, binding] of bindingsOf(service)) {
        const resolved = resolve(service, key, binding);
        if ('value' in resolved) environment[key] = resolved.value;
        else if ('secret' in resolved) secrets[key] = resolved.secret;
        else {
          Object.assign(environment, resolved.values);
          Object.assign(secrets, resolved.secrets);
        }
      }
      const task = new ecs.FargateTaskDefinition(this, `${service.name}Task`, {
        cpu: 512,
        memoryLimitMiB: 1024,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const logGroup = new logs.LogGroup(this, `${service.name}Logs`, {
        logGroupName: `/shopgraph/${service.name}`,
        retention: logs.RetentionDays.ONE_MONTH,
      });
      task.addContainer('app', {
        containerName: service.name,
        image: ecs.ContainerImage.fromEcrRepository(
          ecr.Repository.fromRepositoryName(
            this,
            `${service.name}Repository`,
            `shopgraph/${service.name}`,
          ),
          props.imageTag,
        ),
        user: String(RUN_AS_USER),
        essential: true,
        portMappings: [{ containerPort: service.port, name: 'http' }],
        environment,
        secrets,
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: service.name, logGroup }),
        healthCheck: {
          command: ['CMD', 'shop-service', 'health'],
          interval: Duration.seconds(10),
          timeout: Duration.seconds(5),
          startPeriod: Duration.seconds(60),
          retries: 3,
        },
        // SIGTERM, then SIGKILL after this: covers the server's drain.
        stopTimeout: Duration.seconds(PRE_STOP_SECONDS + DRAIN_SECONDS[service.kind] + 10),
      });
      task.addContainer('otel-collector', {
        image: ecs.ContainerImage.fromRegistry(COLLECTOR_IMAGE),
        essential: false,
        command: ['--config=/etc/ecs/ecs-default-config.yaml'],
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: `${service.name}-otel`, logGroup }),
      });
      task.taskRole.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('AWSXrayWriteOnlyAccess'),
      );
      const fargate = new ecs.FargateService(this, `${service.name}Service`, {
        cluster,
        serviceName: service.name,
        taskDefinition: task,
        desiredCount: TASKS.min,
        securityGroups: [groupOf(service.name)],
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        assignPublicIp: false,
        cloudMapOptions: { name: service.name, containerPort: service.port },
        circuitBreaker: { rollback: true },
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
      });
      const scaling = fargate.autoScaleTaskCount({
        minCapacity: TASKS.min,
        maxCapacity: TASKS.max,
      });
      scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });
      if (service.kind === 'gateway') gatewayService = fargate;
    }

    if (!gatewayService) throw new Error('no gateway service');
    const gateway = props.services.find((service) => service.kind === 'gateway') as ServiceSpec;
    const albGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc,
      description: 'ShopGraph public load balancer',
      allowAllOutbound: false,
    });
    albGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    albGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      securityGroup: albGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const https = alb.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)],
      open: false,
    });
    alb.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    https.addTargets('Gateway', {
      port: gateway.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [
        gatewayService.loadBalancerTarget({
          containerName: gateway.name,
          containerPort: gateway.port,
        }),
      ],
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(10) },
      deregistrationDelay: Duration.seconds(PRE_STOP_SECONDS + DRAIN_SECONDS.gateway),
    });
  }
}

function fail(message: string): never {
  throw new Error(message);
}
