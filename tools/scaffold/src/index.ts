export {
  applyPlan,
  describePlan,
  nextSteps,
  planSubgraph,
  runInherited,
  runPostSteps,
  ScaffoldError,
  sdlNames,
  type GenerateOptions,
  type Plan,
  type PlannedFile,
  type Runner,
} from './generate';
export {
  InvalidNameError,
  namesOf,
  RESERVED_NAMES,
  validateName,
  type SubgraphNames,
} from './names';
export {
  EMBEDDED_FILE,
  EMBEDDED_PACKAGE_FILE,
  GATEWAY_PORT,
  nextFreePort,
  patchEmbedded,
  patchEmbeddedPackage,
  patchRegistry,
  PatchError,
  REGISTRY_FILE,
  registeredSubgraphs,
} from './patches';
export {
  declaredNames,
  entityTypeOf,
  renderSubgraph,
  TEMPLATE_DEPENDENCIES,
  type TemplateFile,
  type TemplateOptions,
} from './templates';
