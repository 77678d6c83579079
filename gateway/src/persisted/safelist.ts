import { createHash } from 'node:crypto';

/** sha256 (hex) of a document's text, as APQ and the operation registry compute it. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export interface SafelistedOperation {
  /** sha256 (hex) of `body`. */
  id: string;
  name: string | undefined;
  body: string;
}

/**
 * The operations allowed in safelist mode, by id (sha256 of the registered text). Ids are
 * computed here from the bodies, never trusted from a manifest.
 */
export class Safelist {
  private readonly byId = new Map<string, SafelistedOperation>();

  constructor(operations: Iterable<{ body: string; name?: string | undefined; id?: string }>) {
    for (const operation of operations) {
      const id = sha256Hex(operation.body);
      if (operation.id !== undefined && operation.id !== id) {
        throw new Error(
          `safelisted operation ${operation.name ?? operation.id}: id ${operation.id} is not the sha256 of its body (${id})`,
        );
      }
      this.byId.set(id, { id, name: operation.name, body: operation.body });
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** The registered operation with this id (a sha256 hex), if any. */
  byHash(sha256Hash: string): SafelistedOperation | undefined {
    return this.byId.get(sha256Hash.toLowerCase());
  }

  /**
   * The registered operation whose text this is: exactly, or after the registry's own
   * normalization (line endings to `\n`, surrounding whitespace trimmed — e.g. a trailing
   * newline a bundler added).
   */
  byText(query: string): SafelistedOperation | undefined {
    return (
      this.byId.get(sha256Hex(query)) ??
      this.byId.get(sha256Hex(query.replace(/\r\n?/g, '\n').trim()))
    );
  }
}
