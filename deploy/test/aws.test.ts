import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, PLACEHOLDER_CERTIFICATE_ARN } from '../src/aws/app';
import { OTLP_ENDPOINT, SERVICE_NAMESPACE, type ShopGraphStack } from '../src/aws/stack';
import type { ServiceSpec } from '../src/services';
import { repoServices, withNewSubgraph } from './fixtures';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

let services: ServiceSpec[];
let callers: Record<string, string[]>;
let template: Template;
let annotations: Annotations;
let resources: Resources;

// One synthesis (several seconds) shared by every assertion of this file. It runs CDK's built-in
// CloudFormation validation (resource schemas) in strict mode: an invalid template throws here.
beforeAll(async () => {
  ({ services, callers } = await repoServices());
  const { stack } = buildApp(services);
  template = Template.fromStack(stack);
  annotations = Annotations.fromStack(stack);
  resources = (template.toJSON() as { Resources: Resources }).Resources;
}, 120_000);

const ofType = (type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** A security group's name: its description without the `ShopGraph ` prefix and ` tasks`. */
function groupName(reference: unknown): string {
  const id = (reference as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? '';
  const description = String(resources[id]?.Properties?.GroupDescription ?? id);
  return description.replace(/^ShopGraph /, '').replace(/ tasks$/, '');
}

/** Every ingress path as `source -> group:port` (inline rules and separate ingress resources). */
function ingressPaths(): string[] {
  const paths: string[] = [];
  for (const [id, group] of ofType('AWS::EC2::SecurityGroup')) {
    const inline = (group.Properties?.SecurityGroupIngress ?? []) as Record<string, unknown>[];
    for (const rule of inline) {
      const source = rule.CidrIp ?? groupName(rule.SourceSecurityGroupId);
      paths.push(
        `${String(source)} -> ${groupName({ 'Fn::GetAtt': [id, 'GroupId'] })}:${String(rule.FromPort)}`,
      );
    }
  }
  for (const [, rule] of ofType('AWS::EC2::SecurityGroupIngress')) {
    const p = rule.Properties ?? {};
    const source = p.CidrIp ?? groupName(p.SourceSecurityGroupId);
    paths.push(`${String(source)} -> ${groupName(p.GroupId)}:${String(p.FromPort)}`);
    expect(p.FromPort).toBe(p.ToPort);
  }
  return paths.sort();
}

/** The paths the code implies, computed without the stack's bindings. */
function expectedPaths(): string[] {
  const paths = [
    '0.0.0.0/0 -> public load balancer:443',
    '0.0.0.0/0 -> public load balancer:80',
    'public load balancer -> gateway:4000',
  ];
  for (const service of services) {
    const keys = Object.keys(service.schema.shape);
    if (service.kind === 'subgraph') {
      // Its callers per the code, and its own fetch of the gateway's JWKS (GATEWAY_JWKS_URL).
      for (const caller of callers[service.name] ?? []) {
        paths.push(`${caller} -> ${service.name}:${service.port}`);
      }
      if (keys.includes('GATEWAY_JWKS_URL')) paths.push(`${service.name} -> gateway:4000`);
      if (keys.includes('DATABASE_URL')) paths.push(`${service.name} -> postgres:5432`);
    }
    if (keys.includes('REDIS_URL')) paths.push(`${service.name} -> redis:6379`);
    if (keys.includes('KAFKA_BROKERS')) paths.push(`${service.name} -> kafka:9092`);
    if (keys.includes('OPENSEARCH_URL')) paths.push(`${service.name} -> opensearch:443`);
  }
  return paths.sort();
}

/** The app container's definition of a service's task. */
function appContainer(name: string) {
  const [, task] =
    ofType('AWS::ECS::TaskDefinition').find(([id]) => id.startsWith(`${name}Task`)) ?? [];
  const containers = (task?.Properties?.ContainerDefinitions ?? []) as {
    Name: string;
    Environment?: { Name: string; Value: unknown }[];
    Secrets?: { Name: string }[];
    User?: string;
    StopTimeout?: number;
  }[];
  return { app: containers.find((c) => c.Name === name), containers };
}

describe('the AWS CDK app (synthesized offline)', () => {
  it('synthesizes without errors or warnings', () => {
    annotations.hasNoError('*', Match.anyValue());
    annotations.hasNoWarning('*', Match.anyValue());
  });

  it('security groups admit exactly the paths of the code', () => {
    expect(ingressPaths()).toEqual(expectedPaths());
  });

  it('runs the gateway and every registered subgraph on Fargate, private, with Cloud Map', () => {
    const names = services.map((service) => service.name);
    template.resourceCountIs('AWS::ECS::Service', names.length);
    for (const name of names) {
      template.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: name,
        LaunchType: 'FARGATE',
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      });
      template.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: name });
    }
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: SERVICE_NAMESPACE,
    });
    const withLoadBalancer = ofType('AWS::ECS::Service').filter(
      ([, s]) => s.Properties?.LoadBalancers,
    );
    expect(withLoadBalancer.map(([, s]) => s.Properties?.ServiceName)).toEqual(['gateway']);
  });

  it('puts the gateway behind an internet-facing ALB with TLS, HTTP redirected', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: PLACEHOLDER_CERTIFICATE_ARN }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        Match.objectLike({
          Type: 'redirect',
          RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 4000,
      HealthCheckPath: '/readyz',
    });
  });

  it('encrypts every data store at rest and keeps the database private', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      StorageEncrypted: true,
      PubliclyAccessible: false,
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
    });
    template.hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: { EncryptionInTransit: { InCluster: true } },
    });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: Match.objectLike({ EnforceHTTPS: true }),
      VPCOptions: Match.anyValue(),
    });
    const dbSubnets = ofType('AWS::RDS::DBSubnetGroup')[0]?.[1].Properties?.SubnetIds as {
      Ref: string;
    }[];
    for (const subnet of dbSubnets) expect(subnet.Ref).toMatch(/^Vpcdata/);
  });

  it('autoscales and logs every service, with the OTLP endpoint and secrets wired', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', services.length);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', services.length);
    for (const service of services) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/shopgraph/${service.name}`,
      });
      const { app, containers } = appContainer(service.name);
      expect(containers.map((c) => c.Name).sort()).toEqual(['otel-collector', service.name].sort());
      const env = Object.fromEntries((app?.Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(OTLP_ENDPOINT);
      expect(env.OTEL_SERVICE_NAME).toBe(service.name);
      expect(env.PORT).toBe(String(service.port));
      expect(env.HOST).toBe('0.0.0.0');
      expect(app?.User).toBe('1000');
      expect(app?.StopTimeout).toBeGreaterThan(service.kind === 'gateway' ? 30 : 10);
      const secretNames = (app?.Secrets ?? []).map((s) => s.Name);
      // Keys and passwords come from Secrets Manager, never as plain environment values.
      for (const name of Object.keys(env)) expect(name).not.toMatch(/_JWK$|SECRET|PASSWORD/);
      const keys = Object.keys(service.schema.shape);
      for (const key of [
        'INTERNAL_PRIVATE_JWK',
        'GATEWAY_PRIVATE_JWK',
        'AUTH_PRIVATE_JWK',
        'CART_TOKEN_SECRET',
      ]) {
        if (keys.includes(key)) expect(secretNames).toContain(key);
      }
      if (service.kind === 'subgraph') expect(secretNames).toContain('PGPASSWORD');
      for (const target of services.filter((s) =>
        keys.includes(`SUBGRAPH_${s.name.toUpperCase()}_URL`),
      )) {
        expect(env[`SUBGRAPH_${target.name.toUpperCase()}_URL`]).toBe(
          `http://${target.name}.${SERVICE_NAMESPACE}:${target.port}/graphql`,
        );
      }
    }
    const gatewayEnv = appContainer('gateway').app?.Environment ?? [];
    const subgraphUrls = gatewayEnv.filter((e) => /^SUBGRAPH_.*_URL$/.test(e.Name));
    expect(subgraphUrls).toHaveLength(services.length - 1);
  });
});

describe('a new registry entry', () => {
  it('gets its Fargate service, logs, scaling, security group and the gateway routes to it', () => {
    const { stack } = buildApp(withNewSubgraph(services));
    const appStack = stack as ShopGraphStack;
    const service = stack.node.findChild('gift-cardsService');
    expect(service).toBeInstanceOf(ecs.FargateService);
    expect(stack.node.tryFindChild('gift-cardsLogs')).toBeDefined();
    expect(appStack.serviceGroups.get('gift-cards')).toBeDefined();
    expect(service.node.findAll().some((c) => c.node.id === 'TaskCount')).toBe(true);
    const gatewayTask = stack.node.findChild('gatewayTask') as ecs.FargateTaskDefinition;
    const rendered = gatewayTask.defaultContainer?.renderContainerDefinition();
    expect(rendered?.environment).toContainEqual({
      name: 'SUBGRAPH_GIFT_CARDS_URL',
      value: `http://gift-cards.${SERVICE_NAMESPACE}:4010/graphql`,
    });
  });
});
