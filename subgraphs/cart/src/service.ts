import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '@shop/db';
import { newEvent, TOPICS, type EventData, type EventType, type NewEvent } from '@shop/events';
import { isUnitPriceInRange } from '@shop/subgraph';
import type { CartCache } from './cache';
import type { ProductCatalog, VariantInfo } from './products';
import type { CartQueries, CartRepo, CartSnapshot, NewCartLine } from './repo';
import type { CartLineRow, CartRow } from './tables';
import { isUuid, type CartTokens } from './tokens';
import { log } from '@shop/log';

export type CartErrorCode =
  | 'VARIANT_NOT_FOUND'
  | 'PRODUCT_UNAVAILABLE'
  | 'INVALID_QUANTITY'
  | 'INVALID_CART_TOKEN'
  | 'CART_NOT_FOUND'
  | 'CART_NOT_ACTIVE'
  | 'CURRENCY_MISMATCH'
  | 'VERSION_CONFLICT'
  | 'OUT_OF_STOCK';

export type CartWarningCode =
  'PRICE_CHANGED' | 'OUT_OF_STOCK' | 'NOT_ENOUGH_STOCK' | 'PRODUCT_UNAVAILABLE';

/** An expected failure, shown to the client as a `CartUserError`. */
export interface CartFailure {
  ok: false;
  code: CartErrorCode;
  message: string;
  field?: string[];
}

export interface CartWarning {
  code: CartWarningCode;
  message: string;
  variantId: string | null;
}

/** A successful mutation: the cart after the change and the variants fetched for it. */
export type CartResult =
  { ok: true; cart: CartSnapshot; variants?: Map<string, VariantInfo | null> } | CartFailure;

export type MergeStrategy = 'MERGE' | 'USE_GUEST' | 'USE_EXISTING';

/** Who is calling: a signed-in user or an anonymous shopper (null). */
export type Caller = { userId: string } | null;

export interface AddLinesInput {
  cartToken?: string | null;
  lines: Array<{ variantId: string; quantity: number }>;
  expectedVersion?: number | null;
}
export interface UpdateLineInput {
  cartToken?: string | null;
  variantId: string;
  quantity: number;
  expectedVersion?: number | null;
}
export interface RemoveLineInput {
  cartToken?: string | null;
  variantId: string;
  expectedVersion?: number | null;
}
export interface MergeGuestCartInput {
  cartToken: string;
  strategy: MergeStrategy;
  expectedVersion?: number | null;
}

/** The cart as the order subgraph reads it at checkout. */
export interface CheckoutCart {
  id: string;
  userId: string;
  currencyCode: string | null;
  version: number;
  lines: Array<{
    variantId: string;
    quantity: number;
    unitPrice: { amount: number; currencyCode: string };
  }>;
}

/**
 * Answer of {@link CartService.claimForCheckout}: this checkout now holds the cart, or another
 * order does (`orderId` null only for a cart converted without a recorded order id).
 */
export type CheckoutClaim =
  { claimed: true; cart: CheckoutCart } | { claimed: false; orderId: string | null };

/**
 * How long a checkout claim protects a cart (seconds). A checkout takes a few service calls
 * (each bounded by a 5 s client timeout), so a claim this old belongs to a checkout that died
 * (process killed, network lost) and may be taken over by the next checkout. Taking over never
 * allows a second order: the order database holds at most one order per cart (unique
 * `orders.cart_id`), so if the old checkout still commits, the newer one is refused there.
 */
export const CHECKOUT_CLAIM_TTL_SECONDS = 60;

export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 100;

const fail = (code: CartErrorCode, message: string, field?: string[]): CartFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const isPublished = (variant: VariantInfo) => variant.product?.status === 'PUBLISHED';

const money = (amount: number, currency: string) =>
  `${(amount / 100).toFixed(2)} ${currency}`.trim();

/**
 * Re-prices a cart against current product data. `variants` null (product unreachable) yields no
 * warnings: the cart is still readable, just not re-checked.
 */
export function cartWarnings(
  cart: Pick<CartSnapshot, 'status' | 'lines'>,
  variants: Map<string, VariantInfo | null> | null,
): CartWarning[] {
  if (!variants || cart.status !== 'ACTIVE') return [];
  const warnings: CartWarning[] = [];
  for (const line of cart.lines) {
    const variant = variants.get(line.variantId);
    if (variant === undefined) continue;
    const label = `${line.productName} (${line.variantName})`;
    if (variant === null || !isPublished(variant)) {
      warnings.push({
        code: 'PRODUCT_UNAVAILABLE',
        message: `${label} is no longer available`,
        variantId: line.variantId,
      });
      continue;
    }
    if (
      variant.price.amount !== line.unitPriceAmount ||
      variant.price.currencyCode !== line.currencyCode
    ) {
      warnings.push({
        code: 'PRICE_CHANGED',
        message: `The price of ${label} changed from ${money(line.unitPriceAmount, line.currencyCode)} to ${money(variant.price.amount, variant.price.currencyCode)}`,
        variantId: line.variantId,
      });
    }
    if (variant.stockOnHand <= 0) {
      warnings.push({
        code: 'OUT_OF_STOCK',
        message: `${label} is out of stock`,
        variantId: line.variantId,
      });
    } else if (line.quantity > variant.stockOnHand) {
      warnings.push({
        code: 'NOT_ENOUGH_STOCK',
        message: `Only ${variant.stockOnHand} of ${label} in stock, ${line.quantity} in cart`,
        variantId: line.variantId,
      });
    }
  }
  return warnings;
}

export interface CartServiceDeps {
  repo: CartRepo;
  catalog: ProductCatalog;
  tokens: CartTokens;
  cache: CartCache;
  /** Called after each committed change (wakes the outbox relay). */
  onCommit?: () => void;
}

type Target = { ok: true; cart: CartRow | undefined } | CartFailure;

/** The event types the cart writes (`cart.events.v1`). */
type CartEventType = Extract<EventType, `cart.${string}`>;

/** The cart domain: guest and user carts, lines, merge on sign-in, conversion to an order. */
export function createCartService(deps: CartServiceDeps) {
  const { repo, catalog, tokens, cache } = deps;

  const event = <TType extends CartEventType>(
    cart: Pick<CartRow, 'id' | 'userId'>,
    type: TType,
    version: number,
    data: Omit<EventData<TType>, 'cartId' | 'userId' | 'version'>,
  ): NewEvent =>
    newEvent({
      type,
      source: 'cart',
      topic: TOPICS.cart,
      subject: cart.id,
      sequence: version,
      actor: cart.userId ? { userId: cart.userId } : { anonymousId: cart.id },
      data: { cartId: cart.id, userId: cart.userId, version, ...data } as EventData<TType>,
    });

  const committed = async (result: CartResult): Promise<CartResult> => {
    if (result.ok) {
      deps.onCommit?.();
      await cache.set(result.cart);
    }
    return result;
  };

  /** Reads a cart through the cache: Postgres gives the version, Redis the versioned snapshot. */
  const readSnapshot = async (
    head: { id: string; version: number } | undefined,
  ): Promise<CartSnapshot | null> => {
    if (!head) return null;
    const cached = await cache.get(head.id, head.version);
    if (cached) return cached;
    const snapshot = await repo.loadSnapshot(head.id);
    if (!snapshot) return null;
    await cache.set(snapshot);
    return snapshot;
  };

  const checkVersion = (current: number, expected: number | null | undefined) =>
    expected !== null && expected !== undefined && expected !== current
      ? fail(
          'VERSION_CONFLICT',
          `The cart is at version ${current}, not ${expected}; reload it and try again`,
          ['input', 'expectedVersion'],
        )
      : undefined;

  /** Resolves (and row-locks) the cart a mutation targets. */
  const lockTarget = async (
    tx: CartQueries,
    caller: Caller,
    cartToken: string | null | undefined,
  ): Promise<Target> => {
    if (cartToken) {
      const cartId = tokens.verify(cartToken);
      if (!cartId)
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      const cart = await tx.lockCart(cartId);
      if (!cart || (cart.userId !== null && cart.userId !== caller?.userId)) {
        return fail('CART_NOT_FOUND', 'The cart does not exist', ['input', 'cartToken']);
      }
      if (cart.status !== 'ACTIVE') {
        return fail('CART_NOT_ACTIVE', `The cart is ${cart.status.toLowerCase()}`, [
          'input',
          'cartToken',
        ]);
      }
      return { ok: true, cart };
    }
    if (caller) return { ok: true, cart: await tx.lockActiveCartForUser(caller.userId) };
    return { ok: true, cart: undefined };
  };

  /** Variant ids of the cart a mutation will probably target, to fetch them in one call. */
  const likelyLineIds = async (caller: Caller, cartToken: string | null | undefined) => {
    const cartId = cartToken
      ? tokens.verify(cartToken)
      : caller
        ? (await repo.findActiveHeadForUser(caller.userId))?.id
        : undefined;
    if (!cartId) return [];
    return (await repo.linesOf(cartId)).map((line) => line.variantId);
  };

  /** Fetches variants without failing: a product outage must not block edits of quantities. */
  const tryFetch = async (ids: string[]) => {
    try {
      return await catalog.fetchVariants(ids);
    } catch (error) {
      log.warn(`[cart] product unavailable while editing a cart: ${String(error)}`);
      return undefined;
    }
  };

  /**
   * Runs a transaction, retrying it once when it lost a race for the user's one ACTIVE cart
   * (`carts_one_active_per_user`): a concurrent first add created a cart, or a released claim
   * made one ACTIVE again. The retry sees the winner's committed cart.
   */
  const transactionRetryingActiveRace = async <T>(fn: (tx: CartQueries) => Promise<T>) => {
    try {
      return await repo.transaction(fn);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return repo.transaction(fn);
    }
  };

  /** Runs a mutation transaction (see {@link transactionRetryingActiveRace}). */
  const mutate = async (fn: (tx: CartQueries) => Promise<CartResult>): Promise<CartResult> =>
    committed(await transactionRetryingActiveRace(fn));

  /** Removes a line; an emptied cart forgets its currency. */
  const removeLine = async (caller: Caller, input: RemoveLineInput): Promise<CartResult> =>
    mutate(async (tx) => {
      const target = await lockTarget(tx, caller, input.cartToken);
      if (!target.ok) return target;
      if (!target.cart) return fail('CART_NOT_FOUND', 'There is no cart yet', ['input']);
      const cart = target.cart;
      const conflict = checkVersion(cart.version, input.expectedVersion);
      if (conflict) return conflict;
      const lines = await tx.linesOf(cart.id);
      const line = lines.find((candidate) => candidate.variantId === input.variantId);
      if (!line) {
        return fail('VARIANT_NOT_FOUND', 'The variant is not in this cart', ['input', 'variantId']);
      }
      const version = cart.version + 1;
      await tx.deleteLines([line.id]);
      await tx.updateCart(cart.id, {
        version,
        ...(lines.length === 1 ? { currencyCode: null } : {}),
      });
      await tx.appendEvents([
        event(cart, 'cart.line_removed', version, {
          variantId: line.variantId,
          sku: line.sku,
          quantity: line.quantity,
        }),
      ]);
      return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
    });

  return {
    cartWarnings,

    /** The signed guest token of a guest cart; null for a user's cart. */
    tokenFor: (cart: Pick<CartRow, 'id' | 'userId'>) => (cart.userId ? null : tokens.sign(cart.id)),

    /**
     * A cart by guest token: null when the token is forged or the cart belongs to someone else.
     * `load` reads the cart by id: resolvers pass the request's batch loader, so any number of
     * `cart(cartToken)` fields in one operation (aliases) cost one read, not one each.
     */
    async cartByToken(
      caller: Caller,
      cartToken: string,
      load: (cartId: string) => Promise<CartSnapshot | null | undefined> = async (cartId) =>
        readSnapshot(await repo.findHead(cartId)),
    ): Promise<CartSnapshot | null> {
      const cartId = tokens.verify(cartToken);
      if (!cartId) return null;
      const cart = await load(cartId);
      if (!cart || (cart.userId !== null && cart.userId !== caller?.userId)) return null;
      return cart;
    },

    /** The user's ACTIVE cart, or null. */
    async activeCartOf(userId: string): Promise<CartSnapshot | null> {
      return readSnapshot(await repo.findActiveHeadForUser(userId));
    },

    /**
     * Carts by id (missing ids are absent), through the cache like {@link readSnapshot}: one
     * query for the heads and two for the snapshots not cached, for any number of ids.
     * Visibility is the caller's concern.
     */
    async cartsByIds(ids: string[]): Promise<Map<string, CartSnapshot>> {
      const found = new Map<string, CartSnapshot>();
      const heads = await repo.findHeads(ids.filter(isUuid));
      const missing: string[] = [];
      await Promise.all(
        heads.map(async (head) => {
          const cached = await cache.get(head.id, head.version);
          if (cached) found.set(head.id, cached);
          else missing.push(head.id);
        }),
      );
      const loaded = await repo.loadSnapshots(missing);
      await Promise.all(loaded.map((snapshot) => cache.set(snapshot)));
      for (const snapshot of loaded) found.set(snapshot.id, snapshot);
      return found;
    },

    /**
     * Claims `userId`'s cart for the order `orderId` about to be placed from it, atomically under
     * the cart's row lock: an ACTIVE cart becomes CHECKING_OUT (read-only; the user's next lines
     * go to a new ACTIVE cart) and its lines are answered, straight from Postgres. A cart claimed
     * by another order, or converted into one, answers that order — unless the claim is older
     * than {@link CHECKOUT_CLAIM_TTL_SECONDS} (its checkout died), which is taken over. Claiming
     * again for the same order answers the cart again. Null when the cart does not exist, is not
     * the user's or was merged away.
     */
    async claimForCheckout(
      cartId: string,
      userId: string,
      orderId: string,
    ): Promise<CheckoutClaim | null> {
      if (!isUuid(cartId) || !isUuid(orderId)) return null;
      const outcome = await repo.transaction(
        async (tx): Promise<{ claim: CheckoutClaim; changed?: CartSnapshot } | null> => {
          const cart = await tx.lockCart(cartId);
          if (!cart || cart.userId !== userId || cart.status === 'MERGED') return null;
          if (cart.status === 'CONVERTED') {
            return { claim: { claimed: false, orderId: cart.orderId || null } };
          }
          if (cart.status === 'CHECKING_OUT' && cart.orderId !== orderId) {
            const stale = await tx.isClaimStale(cart.id, CHECKOUT_CLAIM_TTL_SECONDS);
            if (!stale) return { claim: { claimed: false, orderId: cart.orderId } };
          }
          if (cart.status === 'CHECKING_OUT' && cart.orderId === orderId) {
            const snapshot = (await tx.loadSnapshot(cart.id))!;
            return { claim: { claimed: true, cart: checkoutCartOf(snapshot, userId) } };
          }
          const claimed = await tx.claimForOrder(cart.id, orderId);
          await tx.appendEvents([
            event(claimed, 'cart.checkout_started', claimed.version, {
              orderId,
              ...(cart.status === 'CHECKING_OUT' ? { takenOverFrom: cart.orderId } : {}),
            }),
          ]);
          const snapshot = (await tx.loadSnapshot(cart.id))!;
          return {
            claim: { claimed: true, cart: checkoutCartOf(snapshot, userId) },
            changed: snapshot,
          };
        },
      );
      if (outcome?.changed) {
        deps.onCommit?.();
        await cache.set(outcome.changed);
      }
      return outcome?.claim ?? null;
    },

    /**
     * Gives back the claim `orderId` holds on a cart after its checkout failed (stock, price
     * change, an error): the cart is ACTIVE again. If the user started a newer ACTIVE cart
     * meanwhile, its lines are merged into this one (quantities of the same variant add up, to at
     * most {@link MAX_LINE_QUANTITY}) and it becomes MERGED, so the cart id the client holds stays the one to retry; when they cannot be
     * merged (another currency, too many lines), the newer cart stays active and this one is
     * parked as MERGED into it. False when `orderId` does not hold the claim (released already,
     * taken over, or converted: the order exists).
     */
    async releaseCheckoutClaim(cartId: string, orderId: string): Promise<boolean> {
      if (!isUuid(cartId)) return false;
      const changed = await transactionRetryingActiveRace(
        async (tx): Promise<CartSnapshot[] | null> => {
          const cart = await tx.lockCart(cartId);
          if (!cart || cart.status !== 'CHECKING_OUT' || cart.orderId !== orderId) return null;
          const released = { status: 'ACTIVE', orderId: null, claimedAt: null } as const;
          const version = cart.version + 1;
          const newer = cart.userId ? await tx.lockActiveCartForUser(cart.userId) : undefined;
          if (!newer) {
            await tx.updateCart(cart.id, { ...released, version });
            await tx.appendEvents([event(cart, 'cart.checkout_released', version, { orderId })]);
            return [(await tx.loadSnapshot(cart.id))!];
          }
          // The newer cart holds only what was added during the checkout: quantities add up.
          const plan = planMerge(
            'MERGE',
            { cart, lines: await tx.linesOf(cart.id) },
            { cart: newer, lines: await tx.linesOf(newer.id) },
            'added',
          );
          if (!plan.ok) {
            log.warn(
              `[cart] cart ${cart.id} released by order ${orderId} cannot take in the newer cart ${newer.id} (${plan.message}); it is parked as merged into it`,
            );
            await tx.updateCart(cart.id, {
              status: 'MERGED',
              mergedInto: newer.id,
              orderId: null,
              claimedAt: null,
              version,
            });
            await tx.appendEvents([event(cart, 'cart.checkout_released', version, { orderId })]);
            return [(await tx.loadSnapshot(cart.id))!];
          }
          // The newer cart leaves ACTIVE first: one ACTIVE cart per user.
          const newerVersion = newer.version + 1;
          await tx.updateCart(newer.id, {
            status: 'MERGED',
            mergedInto: cart.id,
            version: newerVersion,
          });
          for (const [lineId, quantity] of plan.updates) await tx.setLineQuantity(lineId, quantity);
          await tx.insertLines(plan.inserts);
          await tx.updateCart(cart.id, { ...released, version, currencyCode: plan.currencyCode });
          await tx.appendEvents([
            event(newer, 'cart.merged', newerVersion, { mergedInto: cart.id, strategy: 'MERGE' }),
            event(cart, 'cart.checkout_released', version, { orderId, mergedCartId: newer.id }),
          ]);
          return [(await tx.loadSnapshot(cart.id))!, (await tx.loadSnapshot(newer.id))!];
        },
      );
      if (!changed) return false;
      deps.onCommit?.();
      await Promise.all(changed.map((snapshot) => cache.set(snapshot)));
      return true;
    },

    /**
     * Adds lines (quantities add up for variants already in the cart). Signed in without token:
     * the user's ACTIVE cart, created on first add; anonymous without token: a new guest cart.
     * Product is asked first; if it is down this throws (nothing is written).
     */
    async addLines(caller: Caller, input: AddLinesInput): Promise<CartResult> {
      if (input.lines.length === 0) {
        return fail('INVALID_QUANTITY', 'Add at least one line', ['input', 'lines']);
      }
      const requested = new Map<string, number>();
      for (const [index, line] of input.lines.entries()) {
        if (
          !Number.isInteger(line.quantity) ||
          line.quantity < 1 ||
          line.quantity > MAX_LINE_QUANTITY
        ) {
          return fail('INVALID_QUANTITY', `Quantity must be between 1 and ${MAX_LINE_QUANTITY}`, [
            'input',
            'lines',
            String(index),
            'quantity',
          ]);
        }
        if (!isUuid(line.variantId)) {
          return fail('VARIANT_NOT_FOUND', `Variant ${line.variantId} does not exist`, [
            'input',
            'lines',
            String(index),
            'variantId',
          ]);
        }
        requested.set(line.variantId, (requested.get(line.variantId) ?? 0) + line.quantity);
      }
      if (input.cartToken && !tokens.verify(input.cartToken)) {
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      }
      const existingIds = await likelyLineIds(caller, input.cartToken);
      const variants = await catalog.fetchVariants([...requested.keys(), ...existingIds]);

      let currency: string | undefined;
      for (const [index, line] of input.lines.entries()) {
        const field = ['input', 'lines', String(index), 'variantId'];
        const variant = variants.get(line.variantId);
        if (!variant) {
          return fail('VARIANT_NOT_FOUND', `Variant ${line.variantId} does not exist`, field);
        }
        if (!isPublished(variant)) {
          return fail('PRODUCT_UNAVAILABLE', `${variant.sku} is not available`, field);
        }
        if (variant.stockOnHand <= 0) {
          return fail('OUT_OF_STOCK', `${variant.sku} is out of stock`, field);
        }
        // A price above the bound (a row from before it) would make cart totals unsafe integers.
        if (!isUnitPriceInRange(variant.price.amount)) {
          return fail('PRODUCT_UNAVAILABLE', `${variant.sku} cannot be sold at its price`, field);
        }
        currency ??= variant.price.currencyCode;
        if (variant.price.currencyCode !== currency) {
          return fail('CURRENCY_MISMATCH', 'All lines of a cart must use one currency', field);
        }
      }

      const result = await mutate(async (tx) => {
        const target = await lockTarget(tx, caller, input.cartToken);
        if (!target.ok) return target;
        const conflict = checkVersion(target.cart?.version ?? 0, input.expectedVersion);
        if (conflict) return conflict;
        const cartCurrency = target.cart?.currencyCode ?? currency!;
        if (cartCurrency !== currency) {
          return fail(
            'CURRENCY_MISMATCH',
            `This cart is in ${cartCurrency}; these variants are priced in ${currency}`,
            ['input', 'lines'],
          );
        }
        const existing = target.cart ? await tx.linesOf(target.cart.id) : [];
        const byVariant = new Map(existing.map((line) => [line.variantId, line]));
        for (const [variantId, quantity] of requested) {
          const total = (byVariant.get(variantId)?.quantity ?? 0) + quantity;
          if (total > MAX_LINE_QUANTITY) {
            return fail(
              'INVALID_QUANTITY',
              `At most ${MAX_LINE_QUANTITY} of one variant per cart (${total} requested)`,
              ['input', 'lines'],
            );
          }
        }
        const newCount = [...requested.keys()].filter((id) => !byVariant.has(id)).length;
        if (existing.length + newCount > MAX_LINES) {
          return fail('INVALID_QUANTITY', `A cart holds at most ${MAX_LINES} lines`, [
            'input',
            'lines',
          ]);
        }

        const events: NewEvent[] = [];
        const cart =
          target.cart ??
          (await tx.insertCart({
            id: randomUUID(),
            userId: caller?.userId ?? null,
            status: 'ACTIVE',
            currencyCode: cartCurrency,
            version: 1,
          }));
        if (!target.cart) {
          events.push(event(cart, 'cart.created', 1, { currencyCode: cartCurrency }));
        }
        let version = cart.version;
        let position = existing.reduce((max, line) => Math.max(max, line.position), 0);
        const inserts: NewCartLine[] = [];
        for (const [variantId, quantity] of requested) {
          const variant = variants.get(variantId)!;
          const line = byVariant.get(variantId);
          version += 1;
          if (line) await tx.setLineQuantity(line.id, line.quantity + quantity);
          else {
            position += 1;
            inserts.push({
              id: randomUUID(),
              cartId: cart.id,
              variantId,
              productId: variant.product?.id ?? null,
              sku: variant.sku,
              productName: variant.product?.name ?? variant.name,
              variantName: variant.name,
              quantity,
              unitPriceAmount: variant.price.amount,
              currencyCode: variant.price.currencyCode,
              position,
            });
          }
          events.push(
            event(cart, 'cart.line_added', version, {
              variantId,
              productId: variant.product?.id ?? null,
              sku: variant.sku,
              quantity,
              lineQuantity: (line?.quantity ?? 0) + quantity,
              unitPrice: {
                amountMinor: line?.unitPriceAmount ?? variant.price.amount,
                currency: line?.currencyCode ?? variant.price.currencyCode,
              },
            }),
          );
        }
        await tx.insertLines(inserts);
        await tx.updateCart(cart.id, { version, currencyCode: cartCurrency });
        await tx.appendEvents(events);
        return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
      });
      return result.ok ? { ...result, variants } : result;
    },

    /** Sets a line's quantity; 0 removes it. */
    async updateLine(caller: Caller, input: UpdateLineInput): Promise<CartResult> {
      const { quantity } = input;
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_LINE_QUANTITY) {
        return fail('INVALID_QUANTITY', `Quantity must be between 0 and ${MAX_LINE_QUANTITY}`, [
          'input',
          'quantity',
        ]);
      }
      if (quantity === 0) return removeLine(caller, input);
      const variants = await tryFetch([
        input.variantId,
        ...(await likelyLineIds(caller, input.cartToken)),
      ]);
      const result = await mutate(async (tx) => {
        const target = await lockTarget(tx, caller, input.cartToken);
        if (!target.ok) return target;
        if (!target.cart) return fail('CART_NOT_FOUND', 'There is no cart yet', ['input']);
        const cart = target.cart;
        const conflict = checkVersion(cart.version, input.expectedVersion);
        if (conflict) return conflict;
        const lines = await tx.linesOf(cart.id);
        const line = lines.find((candidate) => candidate.variantId === input.variantId);
        if (!line) {
          return fail('VARIANT_NOT_FOUND', 'The variant is not in this cart', [
            'input',
            'variantId',
          ]);
        }
        const variant = variants?.get(input.variantId);
        if (quantity > line.quantity && variant && variant.stockOnHand <= 0) {
          return fail('OUT_OF_STOCK', `${line.sku} is out of stock`, ['input', 'quantity']);
        }
        if (quantity === line.quantity) return { ok: true, cart: { ...cart, lines } };
        const version = cart.version + 1;
        await tx.setLineQuantity(line.id, quantity);
        await tx.updateCart(cart.id, { version });
        await tx.appendEvents([
          event(cart, 'cart.line_updated', version, {
            variantId: line.variantId,
            sku: line.sku,
            fromQuantity: line.quantity,
            quantity,
          }),
        ]);
        return { ok: true, cart: (await tx.loadSnapshot(cart.id))! };
      });
      return result.ok && variants ? { ...result, variants } : result;
    },

    removeLine,

    /**
     * Merges a guest cart into the signed-in user's ACTIVE cart (MERGE: union, max quantity per
     * variant; USE_GUEST: the guest's lines replace the user's; USE_EXISTING: the user's stay).
     * The guest cart becomes MERGED. Without a user cart, the guest cart becomes the user's.
     * Idempotent: merging an already merged guest cart returns the user's cart unchanged.
     */
    async mergeGuestCart(userId: string, input: MergeGuestCartInput): Promise<CartResult> {
      const guestId = tokens.verify(input.cartToken);
      if (!guestId) {
        return fail('INVALID_CART_TOKEN', 'The cart token is invalid', ['input', 'cartToken']);
      }
      const notFound = fail('CART_NOT_FOUND', 'The guest cart does not exist', [
        'input',
        'cartToken',
      ]);
      return mutate(async (tx) => {
        const guest = await tx.lockCart(guestId);
        if (!guest) return notFound;
        if (guest.userId !== null) {
          if (guest.userId !== userId) return notFound;
          if (guest.status === 'ACTIVE')
            return { ok: true, cart: (await tx.loadSnapshot(guest.id))! };
        }
        if (guest.status === 'MERGED') {
          const current = await tx.lockActiveCartForUser(userId);
          const into = current?.id ?? guest.mergedInto;
          const cart = into ? await tx.loadSnapshot(into) : undefined;
          return cart && cart.userId === userId ? { ok: true, cart } : notFound;
        }
        if (guest.status !== 'ACTIVE') {
          return fail('CART_NOT_ACTIVE', `The guest cart is ${guest.status.toLowerCase()}`, [
            'input',
            'cartToken',
          ]);
        }

        const own = await tx.lockActiveCartForUser(userId);
        const conflict = checkVersion(own?.version ?? 0, input.expectedVersion);
        if (conflict) return conflict;
        const guestLines = await tx.linesOf(guest.id);

        if (!own) {
          const version = guest.version + 1;
          const assigned = await tx.updateCart(guest.id, { userId, version });
          await tx.appendEvents([
            event(assigned, 'cart.merged', version, {
              guestCartId: guest.id,
              strategy: input.strategy,
              lineCount: guestLines.length,
            }),
          ]);
          return { ok: true, cart: (await tx.loadSnapshot(guest.id))! };
        }

        const ownLines = await tx.linesOf(own.id);
        const plan = planMerge(
          input.strategy,
          { cart: own, lines: ownLines },
          { cart: guest, lines: guestLines },
        );
        if (!plan.ok) return plan;
        await tx.deleteLines(plan.deletes);
        for (const [lineId, quantity] of plan.updates) await tx.setLineQuantity(lineId, quantity);
        await tx.insertLines(plan.inserts);
        const version = own.version + 1;
        await tx.updateCart(own.id, { version, currencyCode: plan.currencyCode });
        await tx.updateCart(guest.id, {
          status: 'MERGED',
          mergedInto: own.id,
          version: guest.version + 1,
        });
        const merged = (await tx.loadSnapshot(own.id))!;
        await tx.appendEvents([
          event(own, 'cart.merged', version, {
            guestCartId: guest.id,
            strategy: input.strategy,
            lineCount: merged.lines.length,
          }),
        ]);
        return { ok: true, cart: merged };
      });
    },

    /**
     * Effect of `order.created`: the ordered cart (ACTIVE, or CHECKING_OUT under any order's
     * claim) becomes CONVERTED (through the consumer's transaction). Unknown or already converted
     * carts are ignored. When the cart changed after
     * the version the order read (`cartVersion`), what the order's `lines` did not include is
     * carried over to the user's ACTIVE cart (created if needed); the converted cart keeps its
     * lines as history.
     */
    async convertCart(tx: CartQueries, data: EventData<'order.created'>) {
      if (!isUuid(data.cartId)) return;
      const { orderId } = data;
      const cart = await tx.markConverted(data.cartId, orderId);
      if (!cart) return;
      const events = [event(cart, 'cart.converted', cart.version, { orderId })];
      const orderedVersion = data.cartVersion;
      // `markConverted` bumped the version: the cart was at `cart.version - 1` before.
      if (cart.userId && orderedVersion !== undefined && cart.version - 1 > orderedVersion) {
        events.push(...(await carryOver(tx, cart, orderedQuantities(data.lines))));
      }
      await tx.appendEvents(events);
      deps.onCommit?.();
    },
  };

  /**
   * Moves the lines of a converted cart the order did not include (quantities beyond the ordered
   * ones) into the user's ACTIVE cart, merging by variant up to {@link MAX_LINE_QUANTITY}.
   */
  async function carryOver(
    tx: CartQueries,
    converted: CartRow,
    ordered: Map<string, number>,
  ): Promise<NewEvent[]> {
    const leftovers = (await tx.linesOf(converted.id))
      .map((line) => ({ line, quantity: line.quantity - (ordered.get(line.variantId) ?? 0) }))
      .filter(({ quantity }) => quantity > 0);
    if (leftovers.length === 0) return [];
    const userId = converted.userId!;
    const currency = leftovers[0]!.line.currencyCode;
    const events: NewEvent[] = [];
    let target = await tx.lockActiveCartForUser(userId);
    if (target && target.currencyCode && target.currencyCode !== currency) {
      log.warn(
        `[cart] cannot carry lines of cart ${converted.id} over: the active cart is in ${target.currencyCode}`,
      );
      return [];
    }
    if (!target) {
      target = await tx.insertCart({
        id: randomUUID(),
        userId,
        status: 'ACTIVE',
        currencyCode: currency,
        version: 1,
      });
      events.push(
        event(target, 'cart.created', 1, { currencyCode: currency, carriedFrom: converted.id }),
      );
    }
    const existing = await tx.linesOf(target.id);
    const byVariant = new Map(existing.map((line) => [line.variantId, line]));
    let lineCount = existing.length;
    let position = existing.reduce((max, line) => Math.max(max, line.position), 0);
    let version = target.version;
    const inserts: NewCartLine[] = [];
    for (const { line, quantity } of leftovers) {
      const mine = byVariant.get(line.variantId);
      const from = mine?.quantity ?? 0;
      const total = Math.min(from + quantity, MAX_LINE_QUANTITY);
      if (total <= from) continue;
      if (mine) await tx.setLineQuantity(mine.id, total);
      else {
        if (lineCount >= MAX_LINES) continue;
        lineCount += 1;
        position += 1;
        inserts.push({
          id: randomUUID(),
          cartId: target.id,
          variantId: line.variantId,
          productId: line.productId,
          sku: line.sku,
          productName: line.productName,
          variantName: line.variantName,
          quantity: total,
          unitPriceAmount: line.unitPriceAmount,
          currencyCode: line.currencyCode,
          position,
        });
      }
      version += 1;
      events.push(
        event(target, 'cart.line_added', version, {
          variantId: line.variantId,
          productId: line.productId,
          sku: line.sku,
          quantity: total - from,
          lineQuantity: total,
          unitPrice: {
            amountMinor: mine?.unitPriceAmount ?? line.unitPriceAmount,
            currency: mine?.currencyCode ?? line.currencyCode,
          },
          carriedFrom: converted.id,
        }),
      );
    }
    await tx.insertLines(inserts);
    if (version !== target.version) {
      await tx.updateCart(target.id, { version, currencyCode: currency });
    }
    return events;
  }
}

/** The lines a checkout orders, from a claimed cart's snapshot. */
function checkoutCartOf(cart: CartSnapshot, userId: string): CheckoutCart {
  return {
    id: cart.id,
    userId,
    currencyCode: cart.currencyCode,
    version: cart.version,
    lines: cart.lines.map((line) => ({
      variantId: line.variantId,
      quantity: line.quantity,
      unitPrice: { amount: line.unitPriceAmount, currencyCode: line.currencyCode },
    })),
  };
}

/** Ordered quantity per variant from `order.created`'s `lines` (malformed entries ignored). */
function orderedQuantities(lines: EventData<'order.created'>['lines']): Map<string, number> {
  const ordered = new Map<string, number>();
  for (const line of lines) {
    ordered.set(line.variantId, (ordered.get(line.variantId) ?? 0) + line.quantity);
  }
  return ordered;
}

export type CartService = ReturnType<typeof createCartService>;

type MergePlan =
  | {
      ok: true;
      deletes: string[];
      updates: Array<[string, number]>;
      inserts: NewCartLine[];
      currencyCode: string | null;
    }
  | CartFailure;

/** Computes the line changes of a merge into `own` (pure). */
export function planMerge(
  strategy: MergeStrategy,
  target: { cart: CartRow; lines: CartLineRow[] },
  source: { cart: CartRow; lines: CartLineRow[] },
  quantities: 'larger' | 'added' = 'larger',
): MergePlan {
  const { cart: own, lines: ownLines } = target;
  const { cart: guest, lines: guestLines } = source;
  const copy = (line: CartLineRow, position: number): NewCartLine => ({
    id: randomUUID(),
    cartId: own.id,
    variantId: line.variantId,
    productId: line.productId,
    sku: line.sku,
    productName: line.productName,
    variantName: line.variantName,
    quantity: line.quantity,
    unitPriceAmount: line.unitPriceAmount,
    currencyCode: line.currencyCode,
    position,
  });
  if (strategy === 'USE_EXISTING') {
    return { ok: true, deletes: [], updates: [], inserts: [], currencyCode: own.currencyCode };
  }
  if (strategy === 'USE_GUEST') {
    return {
      ok: true,
      deletes: ownLines.map((line) => line.id),
      updates: [],
      inserts: guestLines.map((line, index) => copy(line, index + 1)),
      currencyCode: guestLines.length > 0 ? guest.currencyCode : null,
    };
  }
  if (own.currencyCode && guest.currencyCode && own.currencyCode !== guest.currencyCode) {
    return fail(
      'CURRENCY_MISMATCH',
      `The guest cart is in ${guest.currencyCode}, yours in ${own.currencyCode}`,
      ['input', 'cartToken'],
    );
  }
  const byVariant = new Map(ownLines.map((line) => [line.variantId, line]));
  const updates: Array<[string, number]> = [];
  const inserts: NewCartLine[] = [];
  let position = ownLines.reduce((max, line) => Math.max(max, line.position), 0);
  for (const line of guestLines) {
    const mine = byVariant.get(line.variantId);
    if (mine) {
      const quantity =
        quantities === 'added'
          ? Math.min(mine.quantity + line.quantity, MAX_LINE_QUANTITY)
          : line.quantity;
      if (quantity > mine.quantity) updates.push([mine.id, quantity]);
    } else {
      position += 1;
      inserts.push(copy(line, position));
    }
  }
  if (ownLines.length + inserts.length > MAX_LINES) {
    return fail('INVALID_QUANTITY', `A merged cart would exceed ${MAX_LINES} lines`, [
      'input',
      'cartToken',
    ]);
  }
  return {
    ok: true,
    deletes: [],
    updates,
    inserts,
    currencyCode: own.currencyCode ?? guest.currencyCode,
  };
}
