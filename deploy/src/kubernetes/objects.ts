import { bindingsOf, callersOf, SHARED_CONFIG, type Binding } from '../bindings';
import type { ServiceSpec } from '../services';

/** A Kubernetes object as plain data (validated against the OpenAPI schemas by the tests). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export const PART_OF = 'shopgraph';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** The unprivileged user of the image (`USER node` in the Dockerfile). */
export const RUN_AS_USER = 1000;

/** Seconds the pod keeps serving after it is marked terminating, while endpoints update. */
export const PRE_STOP_SECONDS = 5;

/**
 * The longest SIGTERM drain of each kind of process: a subgraph's HTTP drain is bounded by 10 s
 * (`stop(timeoutMs = 10_000)` in infra/http), the gateway's workers by 30 s
 * (`drainTimeoutMs` in gateway/src/workers.ts). The grace period covers preStop + drain + 10 s.
 */
export const DRAIN_SECONDS = { gateway: 30, subgraph: 10 } as const;

export const terminationGraceSeconds = (service: Pick<ServiceSpec, 'kind'>) =>
  PRE_STOP_SECONDS + DRAIN_SECONDS[service.kind] + 10;

/** The image of a service; the overlays set the tag (`images:`). */
export const imageOf = (service: Pick<ServiceSpec, 'name'>) => `shopgraph/${service.name}`;

/** The ConfigMap holding a service's own literal values. */
export const configMapName = (service: Pick<ServiceSpec, 'name'>) => `${service.name}-env`;

export const labelsOf = (service: ServiceSpec) => ({
  [NAME_LABEL]: service.name,
  [PART_OF_LABEL]: PART_OF,
  'app.kubernetes.io/component': service.kind,
});

const selectorOf = (service: Pick<ServiceSpec, 'name'>) => ({
  [NAME_LABEL]: service.name,
  [PART_OF_LABEL]: PART_OF,
});

/** In-cluster URL of a service (same namespace: the Service name resolves). */
export function serviceUrl(services: readonly ServiceSpec[], target: string, path: string) {
  const service = services.find((candidate) => candidate.name === target);
  if (!service) throw new Error(`a variable points at ${target}, which is not a service`);
  return `http://${service.name}:${service.port}${path}`;
}

/** A service's own ConfigMap: every literal and service URL binding. */
export function configMapOf(services: readonly ServiceSpec[], service: ServiceSpec): K8sObject {
  const data: Record<string, string> = {};
  for (const [key, binding] of bindingsOf(service)) {
    if (binding.from === 'config') data[key] = binding.value;
    if (binding.from === 'service') data[key] = serviceUrl(services, binding.target, binding.path);
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(service), labels: labelsOf(service) },
    data,
  };
}

function envVar(service: ServiceSpec, key: string, binding: Binding) {
  switch (binding.from) {
    case 'config':
    case 'service':
      return { name: key, valueFrom: { configMapKeyRef: { name: configMapName(service), key } } };
    case 'shared':
      return {
        name: key,
        valueFrom: { configMapKeyRef: { name: SHARED_CONFIG, key: binding.key } },
      };
    case 'secret':
      return { name: key, valueFrom: { secretKeyRef: { name: binding.secret, key: binding.key } } };
  }
}

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: 'http' },
  periodSeconds,
  timeoutSeconds: 3,
  failureThreshold,
});

export function deploymentOf(service: ServiceSpec): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: {
      // No `replicas`: the HorizontalPodAutoscaler owns the count.
      selector: { matchLabels: selectorOf(service) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labelsOf(service) },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(service),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: service.name,
              image: imageOf(service),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: service.port, protocol: 'TCP' }],
              env: bindingsOf(service).map(([key, binding]) => envVar(service, key, binding)),
              resources: {
                requests: { cpu: '100m', memory: '256Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              startupProbe: probe('/healthz', 2, 60),
              readinessProbe: probe('/readyz', 5, 3),
              livenessProbe: probe('/healthz', 10, 3),
              lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
}

export function serviceOf(service: ServiceSpec): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(service),
      ports: [{ name: 'http', port: service.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function autoscalerOf(service: ServiceSpec): K8sObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}

export function disruptionBudgetOf(service: ServiceSpec): K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(service) } },
  };
}

/**
 * Who may connect to a service: anyone to the gateway (it is the public API, exposed by the
 * cluster's ingress); a subgraph only from the services that call it (the gateway and the
 * subgraphs whose env names its URL), on its port.
 */
export function networkPolicyOf(services: readonly ServiceSpec[], service: ServiceSpec): K8sObject {
  const port = [{ protocol: 'TCP', port: service.port }];
  const callers = callersOf(services, service.name);
  const ingress =
    service.kind === 'gateway'
      ? [{ ports: port }]
      : [
          {
            from: [
              {
                podSelector: {
                  matchLabels: { [PART_OF_LABEL]: PART_OF },
                  matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: callers }],
                },
              },
            ],
            ports: port,
          },
        ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: { podSelector: { matchLabels: selectorOf(service) }, policyTypes: ['Ingress'], ingress },
  };
}

/** Denies ingress to every ShopGraph pod that no other policy admits traffic to. */
export const DEFAULT_DENY: K8sObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'shopgraph-default-deny-ingress', labels: { [PART_OF_LABEL]: PART_OF } },
  spec: { podSelector: { matchLabels: { [PART_OF_LABEL]: PART_OF } }, policyTypes: ['Ingress'] },
};

/**
 * The shared ConfigMap's base values: production settings, and placeholders for the external
 * Kafka brokers and OTLP collector that each overlay replaces.
 */
export const SHARED_CONFIG_BASE: K8sObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: SHARED_CONFIG, labels: { [PART_OF_LABEL]: PART_OF } },
  data: {
    NODE_ENV: 'production',
    SEED: 'false',
    KAFKA_BROKERS: 'kafka.example.internal:9092',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.example.internal:4318',
  },
};

/** Every object of one service. */
export function objectsOf(services: readonly ServiceSpec[], service: ServiceSpec): K8sObject[] {
  return [
    configMapOf(services, service),
    deploymentOf(service),
    serviceOf(service),
    autoscalerOf(service),
    disruptionBudgetOf(service),
    networkPolicyOf(services, service),
  ];
}
