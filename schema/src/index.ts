import { Kind, type ASTNode, type DefinitionNode, type DocumentNode } from 'graphql';
import {
  entityOwners,
  subgraphEntry,
  SUBGRAPHS,
  SUPERGRAPH_PATH,
  type RegisteredSubgraph,
  type SubgraphEntry,
  type SubgraphName,
} from './subgraphs';

export {
  entityOwners,
  subgraphEntry,
  SUBGRAPHS,
  SUPERGRAPH_PATH,
  type RegisteredSubgraph,
  type SubgraphEntry,
  type SubgraphName,
};
export {
  composeSubgraphs,
  composeSupergraph,
  readCommittedSupergraph,
  readSubgraphSdl,
  readSubgraphSdls,
  type ComposeResult,
  type SubgraphSdl,
} from './compose';
export {
  auditNonNullFields,
  entityOwnership,
  type AuditOptions,
  type Violation,
  type ViolationKind,
} from './nonnull-audit';
export {
  apiSchemaOf,
  checkOperations,
  loadOperations,
  operationBody,
  operationId,
  OperationRegistryError,
  OPERATIONS_DIR,
  persistedQueryManifest,
  readOperations,
  validateOperations,
  type OperationType,
  type PersistedQueryManifest,
  type RegisteredOperation,
} from './operations';

const FEDERATION_TYPES = new Set([
  '_Any',
  '_Entity',
  '_Service',
  'link__Import',
  'link__Purpose',
  'FieldSet',
]);

/**
 * Lists every type, field, argument, enum value and input field of a subgraph SDL that has no
 * description. The schema is the API's documentation: this must come back empty.
 */
export function missingDescriptions(document: DocumentNode): string[] {
  const missing: string[] = [];
  const check = (
    node: ASTNode & { description?: { value: string } | undefined },
    label: string,
  ) => {
    if (!node.description || node.description.value.trim() === '') missing.push(label);
  };
  for (const definition of document.definitions as readonly DefinitionNode[]) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_DEFINITION: {
        const name = definition.name.value;
        if (FEDERATION_TYPES.has(name)) break;
        const isRoot = ['Query', 'Mutation', 'Subscription'].includes(name);
        if (definition.kind !== Kind.OBJECT_TYPE_EXTENSION && !isRoot) check(definition, name);
        if ('fields' in definition && definition.fields) {
          for (const field of definition.fields) {
            check(field, `${name}.${field.name.value}`);
            if ('arguments' in field && field.arguments) {
              for (const arg of field.arguments)
                check(arg, `${name}.${field.name.value}(${arg.name.value})`);
            }
          }
        }
        if ('values' in definition && definition.values) {
          for (const value of definition.values) check(value, `${name}.${value.name.value}`);
        }
        break;
      }
      default:
        break;
    }
  }
  return missing;
}
