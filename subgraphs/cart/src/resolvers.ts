import {
  DateTimeScalar,
  isAdmin,
  MinorUnitsScalar,
  requireRole,
  requireUser,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import type { VariantLoader } from './products';
import type { CartSnapshot } from './repo';
import type { Resolvers } from './generated/resolvers-types';
import type { Caller, CartResult, CartService } from './service';

export interface CartContext extends BaseSubgraphContext {
  service: CartService;
  variants: VariantLoader;
  /** Per-request, batched: a cart by id (any owner; `Cart.__resolveReference` checks). */
  loadCart: (id: string) => Promise<CartSnapshot | undefined>;
}

const callerOf = (context: CartContext): Caller =>
  context.identity ? { userId: context.identity.userId } : null;

const moneyOf = (amount: number, currencyCode: string) => ({ amount, currencyCode });

const variantsOf = (cart: CartSnapshot, context: CartContext) =>
  cart.status === 'ACTIVE' && cart.lines.length > 0
    ? context.variants.load(cart.lines.map((line) => line.variantId))
    : Promise.resolve(null);

const warningsOf = async (cart: CartSnapshot, context: CartContext) =>
  context.service.cartWarnings(cart, await variantsOf(cart, context));

async function payload(result: CartResult, context: CartContext) {
  if (!result.ok) {
    return {
      cart: null,
      cartToken: null,
      warnings: [],
      userErrors: [{ code: result.code, message: result.message, field: result.field ?? null }],
    };
  }
  if (result.variants) context.variants.prime(result.variants);
  return {
    cart: result.cart,
    cartToken: context.service.tokenFor(result.cart),
    warnings: await warningsOf(result.cart, context),
    userErrors: [],
  };
}

/** Only the owner, admins and services may resolve a cart by id; guest carts need their token. */
const canSeeById = (cart: CartSnapshot, context: CartContext) =>
  (cart.userId !== null && cart.userId === context.identity?.userId) ||
  isAdmin(context) ||
  (context.identity?.roles.includes('SERVICE') ?? false);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  MinorUnits: MinorUnitsScalar,

  Query: {
    cart: (_parent, args, context) => {
      if (args.cartToken) return context.service.cartByToken(callerOf(context), args.cartToken);
      return context.identity ? context.service.activeCartOf(context.identity.userId) : null;
    },
  },

  Mutation: {
    addCartLines: async (_parent, { input }, context) =>
      payload(await context.service.addLines(callerOf(context), input), context),
    updateCartLine: async (_parent, { input }, context) =>
      payload(await context.service.updateLine(callerOf(context), input), context),
    removeCartLine: async (_parent, { input }, context) =>
      payload(await context.service.removeLine(callerOf(context), input), context),
    mergeGuestCart: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      return payload(await context.service.mergeGuestCart(userId, input), context);
    },
    claimCartForCheckout: async (_parent, args, context) => {
      requireRole(context, 'SERVICE');
      const claim = await context.service.claimForCheckout(args.cartId, args.userId, args.orderId);
      if (!claim) return null;
      return claim.claimed
        ? { cart: claim.cart, claimedByOrderId: null }
        : { cart: null, claimedByOrderId: claim.orderId };
    },
    releaseCartClaim: (_parent, args, context) => {
      requireRole(context, 'SERVICE');
      return context.service.releaseCheckoutClaim(args.cartId, args.orderId);
    },
  },

  Cart: {
    __resolveReference: async (reference, context) => {
      const cart = await context.loadCart(reference.id);
      return cart && canSeeById(cart, context) ? cart : null;
    },
    totalQuantity: (cart) => cart.lines.reduce((sum, line) => sum + line.quantity, 0),
    subtotal: (cart) =>
      cart.lines.length === 0 || !cart.currencyCode
        ? null
        : moneyOf(
            cart.lines.reduce((sum, line) => sum + line.unitPriceAmount * line.quantity, 0),
            cart.currencyCode,
          ),
    currencyCode: (cart) => (cart.lines.length === 0 ? null : cart.currencyCode),
    warnings: (cart, _args, context) => warningsOf(cart, context),
  },

  CartLine: {
    variant: (line) => ({ __typename: 'Variant', id: line.variantId }),
    unitPrice: (line) => moneyOf(line.unitPriceAmount, line.currencyCode),
    currentUnitPrice: async (line, _args, context) => {
      const variants = await context.variants.load([line.variantId]);
      const variant = variants?.get(line.variantId);
      return variant ? moneyOf(variant.price.amount, variant.price.currencyCode) : null;
    },
    lineTotal: (line) => moneyOf(line.unitPriceAmount * line.quantity, line.currencyCode),
  },

  User: {
    cart: (user, _args, context) =>
      context.identity?.userId === user.id ? context.service.activeCartOf(user.id) : null,
  },
};
