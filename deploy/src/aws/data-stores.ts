import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** Ports the managed services listen on. */
export const DATA_PORTS = { postgres: 5432, redis: 6379, kafka: 9092, opensearch: 443 } as const;

export const DATABASE_NAME = 'shopgraph';
export const DATABASE_USER = 'shopgraph';

/**
 * The managed infrastructure in the VPC's isolated subnets, each behind its own security group
 * (which admits nothing until the services are allowed in): RDS PostgreSQL, ElastiCache Redis,
 * Amazon MSK and OpenSearch Service, all encrypted at rest, none publicly accessible.
 */
export class DataStores extends Construct {
  readonly database: rds.DatabaseInstance;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly redisSecurityGroup: ec2.SecurityGroup;
  readonly kafkaSecurityGroup: ec2.SecurityGroup;
  readonly searchSecurityGroup: ec2.SecurityGroup;
  /** `host:port` of Redis's primary endpoint (TLS). */
  readonly redisEndpoint: string;
  /** Comma-separated plaintext bootstrap brokers of the MSK cluster. */
  readonly kafkaBrokers: string;
  /** The OpenSearch domain's HTTPS endpoint host. */
  readonly searchEndpoint: string;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc) {
    super(scope, id);
    const isolated = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    const group = (name: string) =>
      new ec2.SecurityGroup(this, `${name}SecurityGroup`, {
        vpc,
        description: `ShopGraph ${name}`,
        allowAllOutbound: false,
      });
    this.databaseSecurityGroup = group('postgres');
    this.redisSecurityGroup = group('redis');
    this.kafkaSecurityGroup = group('kafka');
    this.searchSecurityGroup = group('opensearch');

    this.database = new rds.DatabaseInstance(this, 'Postgres', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_13 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.databaseSecurityGroup],
      publiclyAccessible: false,
      storageEncrypted: true,
      multiAz: true,
      allocatedStorage: 50,
      maxAllocatedStorage: 200,
      databaseName: DATABASE_NAME,
      // The password is generated into Secrets Manager; the tasks read it as PGPASSWORD.
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER),
      backupRetention: Duration.days(7),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });

    const redisSubnets = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', {
      description: 'ShopGraph Redis',
      subnetIds: isolated.subnetIds,
    });
    const redis = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: 'ShopGraph rate limits, APQ and cart cache',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [this.redisSecurityGroup.securityGroupId],
    });
    this.redisEndpoint = `${redis.attrPrimaryEndPointAddress}:${redis.attrPrimaryEndPointPort}`;

    const kafka = new msk.CfnCluster(this, 'Kafka', {
      clusterName: 'shopgraph',
      kafkaVersion: '3.6.0',
      numberOfBrokerNodes: isolated.subnetIds.length,
      brokerNodeGroupInfo: {
        instanceType: 'kafka.t3.small',
        clientSubnets: isolated.subnetIds,
        securityGroups: [this.kafkaSecurityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: 100 } },
      },
      encryptionInfo: {
        // At rest with the AWS managed key (MSK always encrypts at rest); between brokers TLS.
        // Clients use plaintext: the services' Kafka bus (kafkajs) has no TLS option yet.
        encryptionInTransit: { clientBroker: 'PLAINTEXT', inCluster: true },
      },
    });
    // CloudFormation has no attribute for the bootstrap brokers: ask MSK at deploy time.
    const brokers = new cr.AwsCustomResource(this, 'KafkaBootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: kafka.attrArn },
        physicalResourceId: cr.PhysicalResourceId.of(kafka.attrArn),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [kafka.attrArn] }),
      installLatestAwsSdk: false,
    });
    this.kafkaBrokers = brokers.getResponseField('BootstrapBrokerString');

    const search = new opensearch.Domain(this, 'OpenSearch', {
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      securityGroups: [this.searchSecurityGroup],
      capacity: {
        dataNodes: isolated.subnetIds.length,
        dataNodeInstanceType: 't3.small.search',
        multiAzWithStandbyEnabled: false,
      },
      zoneAwareness: { enabled: true, availabilityZoneCount: isolated.subnetIds.length },
      ebs: { volumeSize: 20 },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      // In the VPC only; the security group decides who connects (product's plain HTTPS
      // client does not sign requests with SigV4).
      accessPolicies: [
        new iam.PolicyStatement({
          principals: [new iam.AnyPrincipal()],
          actions: ['es:ESHttp*'],
          resources: ['*'],
        }),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.searchEndpoint = search.domainEndpoint;
  }
}
