import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import type { K8sObject } from './objects';

/** A model class of kubernetes-models: validates its data against the Kubernetes OpenAPI schema. */
interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

/** The kinds the manifests use, by `apiVersion/kind`. */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

/** Schema errors of each object (`Kind/name: message`); an unknown kind is an error too. */
export function validateObjects(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) {
      problems.push(`${id}: ${object.apiVersion} ${object.kind} has no schema here`);
      continue;
    }
    try {
      new Model(structuredClone(object) as never).validate();
    } catch (error) {
      problems.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
