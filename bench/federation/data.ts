/**
 * The federation benchmark's data: deterministic, in memory, generated from fixed formulas (no
 * randomness, no database), so every subgraph process builds the same store and every target's
 * answer can be compared byte for byte.
 */

export interface User {
  id: string;
  name: string;
  username: string;
}

export interface Product {
  upc: string;
  name: string;
  /** Cents. */
  price: number;
  /** Grams. */
  weight: number;
}

export interface Review {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

const FIRST = ['Ada', 'Boris', 'Chen', 'Dana', 'Emil', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun'];
const LAST = ['Novak', 'Silva', 'Okafor', 'Berg', 'Tanaka', 'Moreau', 'Kowalski', 'Haddad'];
const ADJECTIVES = ['Compact', 'Sturdy', 'Quiet', 'Bright', 'Folding', 'Classic', 'Travel'];
const NOUNS = ['Kettle', 'Lamp', 'Backpack', 'Chair', 'Blender', 'Tent', 'Speaker', 'Scale'];
const OPINIONS = [
  'Does exactly what the listing says',
  'Arrived a day early and well packed',
  'Feels heavier than the photos suggest',
  'Good value for the price',
  'Stopped working after a month, replaced without fuss',
  'The second one I bought',
];

export const USER_COUNT = 10;
export const PRODUCT_COUNT = 12;
/** Reviews per product; review k of product p is written by user (p + 3k) mod USER_COUNT. */
export const REVIEWS_PER_PRODUCT = 3;

export const users: User[] = Array.from({ length: USER_COUNT }, (_, i) => {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[(i * 3) % LAST.length]!;
  return { id: `u${i + 1}`, name: `${first} ${last}`, username: `${first}.${last}`.toLowerCase() };
});

export const products: Product[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => ({
  upc: `p${i + 1}`,
  name: `${ADJECTIVES[i % ADJECTIVES.length]} ${NOUNS[(i * 5) % NOUNS.length]}`,
  price: 899 + ((i * 1_337) % 2_500),
  weight: 150 + ((i * 271) % 1_900),
}));

export const reviews: Review[] = products.flatMap((product, p) =>
  Array.from({ length: REVIEWS_PER_PRODUCT }, (_, k) => {
    const author = users[(p + 3 * k) % USER_COUNT]!;
    return {
      id: `r${p * REVIEWS_PER_PRODUCT + k + 1}`,
      body: `${OPINIONS[(p + k) % OPINIONS.length]!}.`,
      authorId: author.id,
      productUpc: product.upc,
    };
  }),
);

/** Inventory: every third product is out of stock. */
export const inStock = (upc: string): boolean => Number(upc.slice(1)) % 3 !== 0;

/** Shipping estimate from price and weight (the `@requires` fields): free above 20.00. */
export const shippingEstimate = (price: number, weight: number): number =>
  price > 2_000 ? 0 : Math.round(weight / 2);

export const userById = new Map(users.map((u) => [u.id, u]));
export const productByUpc = new Map(products.map((p) => [p.upc, p]));
export const reviewsByAuthor = groupBy(reviews, (r) => r.authorId);
export const reviewsByProduct = groupBy(reviews, (r) => r.productUpc);

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
