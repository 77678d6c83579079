import { SHARED_CONFIG } from '../bindings';
import type { ServiceSpec } from '../services';
import type { Kustomization } from './kustomize';
import { imageOf } from './objects';

/** What differs between environments; every service gets the same settings. */
export interface OverlaySettings {
  namespace: string;
  /** Image tag of every service (pin a release or a digest in a real deployment). */
  imageTag: string;
  seed: boolean;
  kafkaBrokers: string;
  otlpEndpoint: string;
  minReplicas: number;
  maxReplicas: number;
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export const OVERLAYS: Readonly<Record<string, OverlaySettings>> = {
  dev: {
    namespace: 'shopgraph-dev',
    imageTag: 'dev',
    seed: true,
    kafkaBrokers: 'kafka.shopgraph-dev-infra.svc.cluster.local:9092',
    otlpEndpoint: 'http://otel-collector.observability.svc.cluster.local:4318',
    minReplicas: 1,
    maxReplicas: 2,
    requests: { cpu: '50m', memory: '192Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
  },
  prod: {
    namespace: 'shopgraph',
    imageTag: 'stable',
    seed: false,
    kafkaBrokers:
      'b-1.shopgraph.kafka.internal:9092,b-2.shopgraph.kafka.internal:9092,b-3.shopgraph.kafka.internal:9092',
    otlpEndpoint: 'http://otel-collector.observability.svc.cluster.local:4318',
    minReplicas: 3,
    maxReplicas: 12,
    requests: { cpu: '250m', memory: '384Mi' },
    limits: { cpu: '2', memory: '1Gi' },
  },
};

/** Patch text: JSON 6902 operations as YAML, the form kustomize reads inline. */
const opsText = (ops: { op: string; path: string; value: unknown }[]) =>
  ops.map((op) => `- ${JSON.stringify(op)}`).join('\n') + '\n';

/** The kustomization of an overlay: the base, a namespace, image tags and uniform patches. */
export function overlayKustomization(
  services: readonly ServiceSpec[],
  settings: OverlaySettings,
): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: settings.namespace,
    resources: ['../../base'],
    images: services.map((service) => ({ name: imageOf(service), newTag: settings.imageTag })),
    patches: [
      {
        target: { kind: 'ConfigMap', name: SHARED_CONFIG },
        patch: opsText([
          { op: 'replace', path: '/data/SEED', value: String(settings.seed) },
          { op: 'replace', path: '/data/KAFKA_BROKERS', value: settings.kafkaBrokers },
          {
            op: 'replace',
            path: '/data/OTEL_EXPORTER_OTLP_ENDPOINT',
            value: settings.otlpEndpoint,
          },
        ]),
      },
      {
        target: { kind: 'HorizontalPodAutoscaler' },
        patch: opsText([
          { op: 'replace', path: '/spec/minReplicas', value: settings.minReplicas },
          { op: 'replace', path: '/spec/maxReplicas', value: settings.maxReplicas },
        ]),
      },
      {
        target: { kind: 'Deployment' },
        patch: opsText([
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/resources',
            value: { requests: settings.requests, limits: settings.limits },
          },
        ]),
      },
    ],
  };
}
